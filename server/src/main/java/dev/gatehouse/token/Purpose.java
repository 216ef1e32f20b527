package dev.gatehouse.token;

/** What a confirmation or reset token is good for; a token of one purpose never serves the other. */
public enum Purpose {
    CONFIRM("confirm"),
    RESET("reset");

    private final String column;

    Purpose(String column) {
        this.column = column;
    }

    String column() {
        return column;
    }
}
