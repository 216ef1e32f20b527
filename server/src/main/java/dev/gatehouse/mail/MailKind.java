package dev.gatehouse.mail;

/** The emails the Email/Password provider sends. */
public enum MailKind {
    CONFIRMATION,
    RESET
}
