package dev.gatehouse.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code local-userpass} provider's settings, named as in an App Services export
 * ({@code auth/providers.json}, spec section 7.1). Absent strings are null.
 *
 * @param disabled the provider is switched off; its routes answer {@code AuthProviderNotFound}
 * @param autoConfirm confirm users at registration
 * @param emailConfirmationUrl base of the emailed confirmation link; null means Gatehouse's own page
 * @param confirmEmailSubject subject of the confirmation email; null or empty means the default
 * @param runConfirmationFunction confirm through a function instead of an email
 * @param confirmationFunctionName the function's name in {@code functions/}
 * @param resetPasswordUrl base of the emailed reset link; null means Gatehouse's own page
 * @param resetPasswordSubject subject of the reset email; null or empty means the default
 * @param runResetFunction reset through a function instead of an email
 * @param resetFunctionName the function's name in {@code functions/}
 */
public record ProviderConfig(
        boolean disabled,
        boolean autoConfirm,
        String emailConfirmationUrl,
        String confirmEmailSubject,
        boolean runConfirmationFunction,
        String confirmationFunctionName,
        String resetPasswordUrl,
        String resetPasswordSubject,
        boolean runResetFunction,
        String resetFunctionName) {

    /** App Services' limit on custom subjects. */
    public static final int MAX_SUBJECT_LENGTH = 256;

    /** Confirmation by emailed link, reset by emailed link, links to Gatehouse's own pages. */
    public static ProviderConfig emailDefaults() {
        return new ProviderConfig(false, false, null, null, false, null, null, null, false, null);
    }

    /** Whether registration sends a confirmation email (neither automatic nor by function). */
    public boolean confirmsByEmail() {
        return !autoConfirm && !runConfirmationFunction;
    }

    /**
     * Every problem with this configuration given the function names it may use (the export's and
     * the embedding application's Java functions); the same check runs at start-up and wherever the
     * provider is changed later.
     */
    public List<String> problems(Set<String> functionNames) {
        List<String> problems = new ArrayList<>();
        checkSubject(problems, "confirmEmailSubject", confirmEmailSubject);
        checkSubject(problems, "resetPasswordSubject", resetPasswordSubject);
        checkUrl(problems, "emailConfirmationUrl", emailConfirmationUrl);
        checkUrl(problems, "resetPasswordUrl", resetPasswordUrl);
        if (autoConfirm && runConfirmationFunction) {
            problems.add("autoConfirm and runConfirmationFunction cannot both be true");
        }
        checkFunction(problems, runConfirmationFunction, "confirmationFunctionName", confirmationFunctionName, functionNames);
        checkFunction(problems, runResetFunction, "resetFunctionName", resetFunctionName, functionNames);
        return problems;
    }

    private static void checkSubject(List<String> problems, String field, String subject) {
        if (subject != null && subject.codePointCount(0, subject.length()) > MAX_SUBJECT_LENGTH) {
            problems.add(field + " is longer than " + MAX_SUBJECT_LENGTH + " characters");
        }
        if (subject != null && subject.chars().anyMatch(c -> c == '\r' || c == '\n')) {
            problems.add(field + " must be a single line");
        }
    }

    private static void checkUrl(List<String> problems, String field, String url) {
        if (url != null && !url.isEmpty() && !Urls.isHttpUrl(url)) {
            problems.add(field + " must be an absolute http(s) URL, got '" + url + "'");
        }
    }

    private static void checkFunction(List<String> problems, boolean enabled, String field, String name, Set<String> functionNames) {
        if (enabled && (name == null || name.isEmpty())) {
            problems.add(field + " is required when its function mode is on");
        } else if (name != null && !name.isEmpty() && !functionNames.contains(name)) {
            problems.add(field + " names function '" + name + "', which does not exist in functions/ "
                    + "or among the registered Java functions");
        }
    }
}
