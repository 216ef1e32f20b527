// realm-web 2.0.1 compatibility suite for Gatehouse (Email/Password provider, sessions, profile).
//
// Drives the unmodified realm-web SDK through its public API against a running Gatehouse and
// asserts the behaviour of the App Services wire contract (shared/spec/app-services-wire.md;
// section numbers below refer to it). Run by e2e/src/test/java/.../RealmWebCompatibilityTest.java,
// which sets:
//   GATEHOUSE_URL        server base URL (realm-web `baseUrl`)
//   GATEHOUSE_APP_ID     client app id (default app: confirmation and reset by email)
//   GATEHOUSE_CLOCK_URL  test-only control endpoint: POST {url}/advance?seconds=N moves the server clock
//   GATEHOUSE_FUNCTION_URL, GATEHOUSE_FUNCTION_APP_ID
//                        server and id of the function app: confirmation and reset by the JavaScript
//                        functions in realm-web/functions (they decide by username and arguments)
//   GATEHOUSE_RECORDER_URL  test-only recorder the functions report each call to (with its token);
//                        GET {url}?username=U lists them
//   GATEHOUSE_MAILBOX_URL  where to read the mail: GET {url}/{appId}?email=E&limit=N answers the dev
//                        mailbox's JSON (default: the server's own dev mailbox, {server}/dev/mailbox;
//                        MultiNodeTest points it at a harness endpoint over its SMTP servers)
//
// Tests that need the clock control or the function app skip themselves, with the reason, when
// those variables are not set (MultiNodeTest's nodes run on the real clock).
// Every test uses its own email address and its own Realm.App (with its own in-memory storage),
// so the tests do not depend on each other or on their order.

import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as Realm from "realm-web";

const BASE_URL = process.env.GATEHOUSE_URL;
const APP_ID = process.env.GATEHOUSE_APP_ID ?? "gatehouse-local";
const CLOCK_URL = process.env.GATEHOUSE_CLOCK_URL;
const FUNCTION_URL = process.env.GATEHOUSE_FUNCTION_URL;
const FUNCTION_APP_ID = process.env.GATEHOUSE_FUNCTION_APP_ID;
const RECORDER_URL = process.env.GATEHOUSE_RECORDER_URL;
const MAILBOX_URL = process.env.GATEHOUSE_MAILBOX_URL;

assert.ok(BASE_URL, "GATEHOUSE_URL is not set: start a Gatehouse and point GATEHOUSE_URL at it");

const CLIENT_API = `${BASE_URL}/api/client/v2.0`;
const PASSWORD = "Pa55w0rd!";
const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;
const HEX_24 = /^[0-9a-f]{24}$/;
const HEX_128 = /^[0-9a-f]{128}$/;
// The contract's two most repeated errors (spec section 6.2).
const ALREADY_CONFIRMED = { statusCode: 400, errorCode: "UserAlreadyConfirmed", error: "already confirmed" };
const USER_NOT_FOUND = { statusCode: 404, errorCode: "UserNotFound", error: "user not found" };
// node:test `skip` options: false runs the test, a string skips it and shows why in the report.
const NEEDS_CLOCK = {
  skip: CLOCK_URL ? false : "needs GATEHOUSE_CLOCK_URL (the JUnit harness's clock control) to move time",
};
const NEEDS_FUNCTION_APP = {
  skip: FUNCTION_URL && FUNCTION_APP_ID && RECORDER_URL
    ? false
    : "needs GATEHOUSE_FUNCTION_URL, GATEHOUSE_FUNCTION_APP_ID and GATEHOUSE_RECORDER_URL (the harness's function app)",
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** A fresh address for one test; the random part keeps reruns against one database apart. */
function uniqueEmail(label = "user") {
  return `${label}-${randomBytes(6).toString("hex")}@example.com`;
}

/**
 * realm-web's public `Storage` interface, in memory. realm-web's default storage in Node is a
 * single process-wide object, so every `new Realm.App` with the same id would otherwise hydrate
 * the users logged in by earlier tests.
 */
class IsolatedStorage {
  constructor(map = new Map(), keyPrefix = "") {
    this.map = map;
    this.keyPrefix = keyPrefix;
  }
  get(key) {
    return this.map.get(this.keyPrefix + key) ?? null;
  }
  set(key, value) {
    this.map.set(this.keyPrefix + key, value);
  }
  remove(key) {
    this.map.delete(this.keyPrefix + key);
  }
  prefix(keyPart) {
    return new IsolatedStorage(this.map, `${this.keyPrefix}${keyPart}:`);
  }
  clear(prefix = "") {
    for (const key of [...this.map.keys()]) {
      if (key.startsWith(this.keyPrefix + prefix)) this.map.delete(key);
    }
  }
  addListener() {}
  removeListener() {}
}

/** A Realm.App that knows no users yet. */
function newApp(id = APP_ID) {
  return new Realm.App({ id, baseUrl: BASE_URL, storage: new IsolatedStorage() });
}

/**
 * The newest mailbox messages to `email` (default app unless `server` says otherwise), newest first:
 * the server's dev mailbox, or GATEHOUSE_MAILBOX_URL's, which answers the same JSON.
 */
async function mailbox(email, limit = 10, server = { baseUrl: BASE_URL, appId: APP_ID }) {
  const base = MAILBOX_URL ?? `${server.baseUrl}/dev/mailbox`;
  const url = `${base}/${encodeURIComponent(server.appId)}?email=${encodeURIComponent(email)}&limit=${limit}`;
  const response = await fetch(url);
  assert.equal(response.status, 200, `mailbox ${url} answered ${response.status}: ${await response.clone().text()}`);
  const { messages } = await response.json();
  assert.ok(Array.isArray(messages), "mailbox reply has a 'messages' array");
  return messages;
}

/** The newest mail to `email`, which must be of `kind` ('confirmation' | 'reset'). */
async function latestMail(email, kind) {
  const [mail] = await mailbox(email, 1);
  assert.ok(mail, `no mail was sent to ${email}`);
  assert.equal(mail.kind, kind, `newest mail to ${email} is a ${kind} mail`);
  assert.equal(mail.to, email);
  assert.match(mail.token, HEX_128, "token is 128 hex digits (spec 4.3)");
  assert.match(mail.tokenId, HEX_24, "tokenId is an ObjectId (spec 4.3)");
  return mail;
}

/** Moves the server's clock forward; only the JUnit harness provides this endpoint. */
async function advanceClock(seconds) {
  assert.ok(
    CLOCK_URL,
    "GATEHOUSE_CLOCK_URL is not set: this test needs the test harness's clock control " +
      "(run it through RealmWebCompatibilityTest)",
  );
  const response = await fetch(`${CLOCK_URL}/advance?seconds=${seconds}`, { method: "POST" });
  assert.ok(response.ok, `clock control answered ${response.status}`);
}

/**
 * Asserts that `promise` rejects with a MongoDBRealmError carrying the given fields (spec 6, 13).
 * `errorCode` and `error` may be a string (exact) or a RegExp. Returns the error for further checks.
 */
async function expectRealmError(promise, { statusCode, errorCode, error }) {
  let caught;
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Realm.MongoDBRealmError, `expected a MongoDBRealmError, got ${err?.stack ?? err}`);
    assert.equal(err.statusCode, statusCode, `statusCode of: ${err.message}`);
    if (errorCode instanceof RegExp) {
      assert.match(err.errorCode ?? "", errorCode, `errorCode of: ${err.message}`);
    } else {
      assert.equal(err.errorCode, errorCode, `errorCode of: ${err.message}`);
    }
    if (typeof error === "string") {
      assert.equal(err.error, error, `error of: ${err.message}`);
    } else if (error instanceof RegExp) {
      assert.match(err.error, error, `error of: ${err.message}`);
    } else {
      assert.equal(typeof err.error, "string", `error of: ${err.message}`);
    }
    assert.equal(typeof err.link, "string", "the error carries a 'link'");
    assert.ok(err.link.length > 0, "the error's 'link' is not empty");
    assert.ok(
      err.message.startsWith(`Request failed (${err.method} ${err.url}): ${err.error} (status ${statusCode}`),
      `realm-web message format: ${err.message}`,
    );
    caught = err;
    return true;
  });
  return caught;
}

/** Registers `email` and confirms it with the token from its confirmation mail. */
async function registerConfirmed(app, email, password = PASSWORD) {
  await app.emailPasswordAuth.registerUser({ email, password });
  const { token, tokenId } = await latestMail(email, "confirmation");
  await app.emailPasswordAuth.confirmUser({ token, tokenId });
}

/** A confirmed, logged-in user on a fresh app. */
async function loggedInUser(email = uniqueEmail(), password = PASSWORD) {
  const app = newApp();
  await registerConfirmed(app, email, password);
  const user = await app.logIn(Realm.Credentials.emailPassword(email, password));
  return { app, user, email, password };
}

/** The harness's function app settings; fails clearly where the harness did not set them. */
function functionServer() {
  assert.ok(
    FUNCTION_URL && FUNCTION_APP_ID && RECORDER_URL,
    "GATEHOUSE_FUNCTION_URL, GATEHOUSE_FUNCTION_APP_ID or GATEHOUSE_RECORDER_URL is not set: this test " +
      "needs the test harness's function app and recorder (run it through RealmWebCompatibilityTest)",
  );
  return { baseUrl: FUNCTION_URL, appId: FUNCTION_APP_ID };
}

/** A Realm.App of the function app that knows no users yet. */
function newFunctionApp() {
  const { baseUrl, appId } = functionServer();
  return new Realm.App({ id: appId, baseUrl, storage: new IsolatedStorage() });
}

/** The calls of the function app's `fn` ('confirm' | 'reset') for `email`, oldest first, as recorded. */
async function functionCalls(email, fn) {
  functionServer();
  const response = await fetch(`${RECORDER_URL}?username=${encodeURIComponent(email)}`);
  assert.equal(response.status, 200, `recorder answered ${response.status}`);
  const { calls } = await response.json();
  return calls.filter((call) => call.function === fn);
}

/** A confirmed (by the confirmation function), logged-in user of the function app. */
async function functionAppUser(label) {
  const app = newFunctionApp();
  const email = uniqueEmail(label);
  await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
  const user = await app.logIn(credentials(email));
  return { app, user, email };
}

/** The decoded payload of a JWT (no signature check; the SDKs do none either, spec 5.2). */
function jwtPayload(jwt) {
  const parts = jwt.split(".");
  assert.equal(parts.length, 3, "a JWT has three parts");
  return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
}

/** A raw request with a bearer token, bypassing realm-web. */
function withBearer(method, path, token) {
  return fetch(`${CLIENT_API}${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
}

const credentials = (email, password = PASSWORD) => Realm.Credentials.emailPassword(email, password);

// ---------------------------------------------------------------------------------------------
// Registration, confirmation, login
// ---------------------------------------------------------------------------------------------

test("registerUser + confirmUser with the mailed token, then logIn gives a complete user", async () => {
  const app = newApp();
  const email = uniqueEmail("confirmed");
  await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
  const mail = await latestMail(email, "confirmation");
  assert.ok(mail.link.includes(`token=${mail.token}`) && mail.link.includes(`tokenId=${mail.tokenId}`),
    "the link carries token and tokenId query parameters (spec 9)");
  await app.emailPasswordAuth.confirmUser({ token: mail.token, tokenId: mail.tokenId });

  const user = await app.logIn(credentials(email));
  assert.equal(app.currentUser, user);
  assert.equal(user.isLoggedIn, true);
  assert.equal(user.state, "active");
  assert.equal(user.providerType, "local-userpass");
  assert.equal(user.profile.email, email);
  assert.equal(user.identities.length, 1);
  assert.equal(user.identities[0].providerType, "local-userpass");
  assert.equal(typeof user.identities[0].id, "string");

  const access = jwtPayload(user.accessToken);
  assert.equal(user.id, access.sub, "user id is the access token's sub");
  assert.match(user.id, HEX_24);
  assert.ok(Number.isInteger(access.exp) && Number.isInteger(access.iat), "integer exp/iat (spec T5)");
  assert.equal(access.exp - access.iat, 1800, "access tokens live 30 minutes");
  const refresh = jwtPayload(user.refreshToken);
  assert.ok(Number.isInteger(refresh.exp) && Number.isInteger(refresh.iat), "integer exp/iat in the refresh token");
  assert.match(user.deviceId, HEX_24, "deviceId (baas_device_id) is 24 hex digits");
  assert.notEqual(user.deviceId, "000000000000000000000000");
  assert.deepEqual(user.customData, {});

  // A second login on the same App sends the stored device id back as {"$oid": ...} (spec 4.2, 13).
  await user.logOut();
  const again = await app.logIn(credentials(email));
  assert.equal(again, user, "realm-web reuses the user object for the same id");
  assert.equal(again.isLoggedIn, true);
});

test("logIn before confirmation rejects with AuthError 401 'confirmation required'", async () => {
  const app = newApp();
  const email = uniqueEmail("pending");
  await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
  await expectRealmError(app.logIn(credentials(email)), {
    statusCode: 401,
    errorCode: "AuthError",
    error: /confirmation required/,
  });
  assert.equal(app.currentUser, null);
});

test("logIn with a wrong password or an unknown email rejects with InvalidPassword 401 'unauthorized'", async () => {
  const { email } = await loggedInUser();
  const app = newApp();
  await expectRealmError(app.logIn(credentials(email, "not-the-password")), {
    statusCode: 401,
    errorCode: "InvalidPassword",
    error: "unauthorized",
  });
  await expectRealmError(app.logIn(credentials(uniqueEmail("nobody"))), {
    statusCode: 401,
    errorCode: "InvalidPassword",
    error: "unauthorized",
  });
});

test("registerUser twice rejects with AccountNameInUse 409; emails are case-sensitive", async () => {
  const app = newApp();
  const local = `case-${randomBytes(6).toString("hex")}`;
  const lower = `${local}@example.com`;
  const upper = `${local.toUpperCase()}@example.com`;

  await app.emailPasswordAuth.registerUser({ email: lower, password: PASSWORD });
  // Pending (unconfirmed) address: still in use (spec 4.3).
  await expectRealmError(app.emailPasswordAuth.registerUser({ email: lower, password: "another-password" }), {
    statusCode: 409,
    errorCode: "AccountNameInUse",
    error: "name already in use",
  });

  // Same letters, other case: a different user.
  await app.emailPasswordAuth.registerUser({ email: upper, password: PASSWORD });
  const lowerMail = await latestMail(lower, "confirmation");
  const upperMail = await latestMail(upper, "confirmation");
  assert.notEqual(lowerMail.tokenId, upperMail.tokenId);
  await app.emailPasswordAuth.confirmUser({ token: lowerMail.token, tokenId: lowerMail.tokenId });
  await app.emailPasswordAuth.confirmUser({ token: upperMail.token, tokenId: upperMail.tokenId });

  // Confirmed address: still in use.
  await expectRealmError(app.emailPasswordAuth.registerUser({ email: lower, password: PASSWORD }), {
    statusCode: 409,
    errorCode: "AccountNameInUse",
    error: "name already in use",
  });

  const lowerUser = await newApp().logIn(credentials(lower));
  const upperUser = await newApp().logIn(credentials(upper));
  assert.notEqual(lowerUser.id, upperUser.id, "two different users");
  assert.equal(lowerUser.profile.email, lower);
  assert.equal(upperUser.profile.email, upper);
});

test("registerUser enforces passwords of 6 to 128 characters (400 BadRequest)", async () => {
  const app = newApp();
  for (const length of [5, 129]) {
    const email = uniqueEmail(`pw${length}`);
    await expectRealmError(app.emailPasswordAuth.registerUser({ email, password: "p".repeat(length) }), {
      statusCode: 400,
      errorCode: "BadRequest",
      error: "password must be between 6 and 128 characters",
    });
    assert.equal((await mailbox(email)).length, 0, "no account, no mail");
  }
  for (const length of [6, 128]) {
    const email = uniqueEmail(`pw${length}`);
    await app.emailPasswordAuth.registerUser({ email, password: "p".repeat(length) });
    await latestMail(email, "confirmation");
  }
});

// ---------------------------------------------------------------------------------------------
// Confirmation tokens
// ---------------------------------------------------------------------------------------------

test("resendConfirmationEmail sends a new token; confirming revokes the older one", async () => {
  const app = newApp();
  const email = uniqueEmail("resend");
  await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
  const first = await latestMail(email, "confirmation");

  await app.emailPasswordAuth.resendConfirmationEmail({ email });
  const second = await latestMail(email, "confirmation");
  assert.notEqual(second.id, first.id, "a second mail was sent");
  assert.notEqual(second.token, first.token);
  assert.notEqual(second.tokenId, first.tokenId);
  assert.equal((await mailbox(email)).length, 2);

  await app.emailPasswordAuth.confirmUser({ token: second.token, tokenId: second.tokenId });
  await expectRealmError(app.emailPasswordAuth.confirmUser({ token: first.token, tokenId: first.tokenId }), {
    statusCode: 400,
    errorCode: "UserpassTokenInvalid",
    error: "userpass token is expired or invalid",
  });
  await app.logIn(credentials(email));
});

test("resendConfirmationEmail: UserAlreadyConfirmed 400 for a confirmed user, UserNotFound 404 for an unknown one", async () => {
  const { email } = await loggedInUser();
  const app = newApp();
  await expectRealmError(app.emailPasswordAuth.resendConfirmationEmail({ email }), ALREADY_CONFIRMED);
  await expectRealmError(app.emailPasswordAuth.resendConfirmationEmail({ email: uniqueEmail("nobody") }), USER_NOT_FOUND);
});

test("confirmUser rejects malformed, unknown and already used tokens", async () => {
  const app = newApp();
  await expectRealmError(app.emailPasswordAuth.confirmUser({ token: "abc", tokenId: "123" }), {
    statusCode: 400,
    errorCode: "BadRequest",
    error: "invalid token data",
  });
  const unknown = { token: randomBytes(64).toString("hex"), tokenId: randomBytes(12).toString("hex") };
  await expectRealmError(app.emailPasswordAuth.confirmUser(unknown), {
    statusCode: 400,
    errorCode: "UserpassTokenInvalid",
    error: "userpass token is expired or invalid",
  });

  const email = uniqueEmail("single-use");
  await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
  const { token, tokenId } = await latestMail(email, "confirmation");
  await app.emailPasswordAuth.confirmUser({ token, tokenId });
  await expectRealmError(app.emailPasswordAuth.confirmUser({ token, tokenId }), {
    statusCode: 400,
    errorCode: "UserpassTokenInvalid",
    error: "userpass token is expired or invalid",
  });
});

test("a confirmation token older than 30 minutes is rejected; a resent one works", NEEDS_CLOCK, async () => {
  const app = newApp();
  const email = uniqueEmail("expired-confirm");
  await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
  const { token, tokenId } = await latestMail(email, "confirmation");

  await advanceClock(31 * MINUTE);
  await expectRealmError(app.emailPasswordAuth.confirmUser({ token, tokenId }), {
    statusCode: 400,
    errorCode: "UserpassTokenInvalid",
    error: "userpass token is expired or invalid",
  });
  await expectRealmError(app.logIn(credentials(email)), { statusCode: 401, errorCode: "AuthError" });

  await app.emailPasswordAuth.resendConfirmationEmail({ email });
  const fresh = await latestMail(email, "confirmation");
  await app.emailPasswordAuth.confirmUser({ token: fresh.token, tokenId: fresh.tokenId });
  await app.logIn(credentials(email));
});

// ---------------------------------------------------------------------------------------------
// Password reset
// ---------------------------------------------------------------------------------------------

test("sendResetPasswordEmail + resetPassword: new password works, old fails, sessions revoked, token single use", async () => {
  // The reset is driven from the App where the user is logged in, so realm-web sends the user's
  // access token on these anonymous routes too (spec T7, 13): the server must ignore it.
  const { app, user, email } = await loggedInUser(uniqueEmail("reset"));
  const newPassword = "n3w-Passw0rd";

  await app.emailPasswordAuth.sendResetPasswordEmail({ email });
  const { token, tokenId, link } = await latestMail(email, "reset");
  assert.ok(link.includes(`token=${token}`) && link.includes(`tokenId=${tokenId}`));
  await app.emailPasswordAuth.resetPassword({ password: newPassword, token, tokenId });

  await expectRealmError(newApp().logIn(credentials(email)), {
    statusCode: 401,
    errorCode: "InvalidPassword",
    error: "unauthorized",
  });
  const fresh = await newApp().logIn(credentials(email, newPassword));
  assert.equal(fresh.id, user.id);

  // The reset token was used up. realm-web still sends the (now revoked) access token of `user`
  // on this anonymous route: the server must ignore it and answer the token error, not 401.
  await expectRealmError(app.emailPasswordAuth.resetPassword({ password: "third-Passw0rd", token, tokenId }), {
    statusCode: 400,
    errorCode: "UserpassTokenInvalid",
    error: "userpass token is expired or invalid",
  });

  // The session from before the reset is gone: the profile call gets 401 InvalidSession, realm-web
  // tries to refresh, the refresh gets 401 too, and realm-web logs the user out (spec 5.5, 13).
  await expectRealmError(user.refreshProfile(), { statusCode: 401, errorCode: "InvalidSession" });
  assert.equal(user.isLoggedIn, false);
  assert.equal(user.state, "logged-out");
  assert.equal(user.refreshToken, null);
  assert.equal(app.currentUser, null);
  await newApp().logIn(credentials(email, newPassword));
});

test("resetPassword rejects malformed tokens and too short passwords", async () => {
  const app = newApp();
  await expectRealmError(app.emailPasswordAuth.resetPassword({ password: "n3w-Passw0rd", token: "abc", tokenId: "123" }), {
    statusCode: 400,
    errorCode: "BadRequest",
    error: "invalid token data",
  });
  const { email } = await loggedInUser(uniqueEmail("reset-short"));
  await app.emailPasswordAuth.sendResetPasswordEmail({ email });
  const { token, tokenId } = await latestMail(email, "reset");
  await expectRealmError(app.emailPasswordAuth.resetPassword({ password: "short", token, tokenId }), {
    statusCode: 400,
    errorCode: "BadRequest",
    error: "password must be between 6 and 128 characters",
  });
  await newApp().logIn(credentials(email));
});

test("sendResetPasswordEmail for an unknown email rejects with UserNotFound 404", async () => {
  const email = uniqueEmail("nobody");
  await expectRealmError(newApp().emailPasswordAuth.sendResetPasswordEmail({ email }), USER_NOT_FOUND);
  assert.equal((await mailbox(email)).length, 0);
});

test("a reset token older than 30 minutes is rejected", NEEDS_CLOCK, async () => {
  const { email } = await loggedInUser(uniqueEmail("reset-expired"));
  const app = newApp();
  await app.emailPasswordAuth.sendResetPasswordEmail({ email });
  const { token, tokenId } = await latestMail(email, "reset");
  await advanceClock(31 * MINUTE);
  await expectRealmError(app.emailPasswordAuth.resetPassword({ password: "n3w-Passw0rd", token, tokenId }), {
    statusCode: 400,
    errorCode: "UserpassTokenInvalid",
    error: "userpass token is expired or invalid",
  });
  await newApp().logIn(credentials(email));
});

// ---------------------------------------------------------------------------------------------
// Function-based flows (no functions are configured on the default app)
// ---------------------------------------------------------------------------------------------

test("callResetPasswordFunction without a reset function rejects with 400 'failed to reset password for user'", async () => {
  const { email } = await loggedInUser(uniqueEmail("reset-call"));
  const app = newApp();
  await expectRealmError(
    app.emailPasswordAuth.callResetPasswordFunction({ email, password: "n3w-Passw0rd" }, "arg1", 42),
    { statusCode: 400, errorCode: "BadRequest", error: new RegExp(`^failed to reset password for user "${email}"`) },
  );
  await newApp().logIn(credentials(email));
});

test("retryCustomConfirmation: 400 without a confirmation function, UserNotFound 404 for an unknown email", async () => {
  const app = newApp();
  const email = uniqueEmail("confirm-call");
  await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
  await expectRealmError(app.emailPasswordAuth.retryCustomConfirmation({ email }), {
    statusCode: 400,
    errorCode: "BadRequest",
  });
  await expectRealmError(app.emailPasswordAuth.retryCustomConfirmation({ email: uniqueEmail("nobody") }), USER_NOT_FOUND);
  // The user is still pending.
  await expectRealmError(app.logIn(credentials(email)), { statusCode: 401, errorCode: "AuthError" });
});

// ---------------------------------------------------------------------------------------------
// Confirmation and reset functions (the function app: realm-web/functions, run by the server)
// ---------------------------------------------------------------------------------------------

test("confirmation function 'success': registerUser confirms at once, without a mail", NEEDS_FUNCTION_APP, async () => {
  const app = newFunctionApp();
  const email = uniqueEmail("success");
  await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
  const user = await app.logIn(credentials(email));
  assert.equal(user.profile.email, email);

  const calls = await functionCalls(email, "confirm");
  assert.equal(calls.length, 1, "the function ran once");
  assert.match(calls[0].token, HEX_128, "the function gets a token of 128 hex digits");
  assert.match(calls[0].tokenId, HEX_24, "the function gets a tokenId that is an ObjectId");
  assert.equal((await mailbox(email, 10, functionServer())).length, 0, "the function, not a mail, confirms");

  await expectRealmError(app.emailPasswordAuth.retryCustomConfirmation({ email }), ALREADY_CONFIRMED);
  assert.equal((await functionCalls(email, "confirm")).length, 1, "no second run for a confirmed user");
});

test("confirmation function 'fail': registerUser rejects with 400 'failed to confirm user' and leaves no user", NEEDS_FUNCTION_APP, async () => {
  const app = newFunctionApp();
  const email = uniqueEmail("fail");
  const err = await expectRealmError(app.emailPasswordAuth.registerUser({ email, password: PASSWORD }), {
    statusCode: 400,
    errorCode: "BadRequest",
    error: `failed to confirm user "${email}"`,
  });
  assert.ok(err.message.includes("failed to confirm user"), err.message);
  assert.equal((await functionCalls(email, "confirm")).length, 1);

  await expectRealmError(app.logIn(credentials(email)), {
    statusCode: 401,
    errorCode: "InvalidPassword",
    error: "unauthorized",
  });
  await expectRealmError(app.emailPasswordAuth.retryCustomConfirmation({ email }), USER_NOT_FOUND);
});

test("confirmation function 'pending': logIn waits until confirmUser with the function's token", NEEDS_FUNCTION_APP, async () => {
  const app = newFunctionApp();
  const email = uniqueEmail("pending");
  await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
  await expectRealmError(app.logIn(credentials(email)), {
    statusCode: 401,
    errorCode: "AuthError",
    error: /confirmation required/,
  });

  // The function handed its token on (here: to the recorder), as an app would send it to the user.
  const [{ token, tokenId }] = await functionCalls(email, "confirm");
  await app.emailPasswordAuth.confirmUser({ token, tokenId });
  await app.logIn(credentials(email));
});

test("retryCustomConfirmation re-runs the confirmation function with a fresh token; pending → confirmed", NEEDS_FUNCTION_APP, async () => {
  const app = newFunctionApp();
  const email = uniqueEmail("retry");
  await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
  await expectRealmError(app.logIn(credentials(email)), { statusCode: 401, errorCode: "AuthError" });

  await app.emailPasswordAuth.retryCustomConfirmation({ email });
  const user = await app.logIn(credentials(email));
  assert.equal(user.profile.email, email);
  const calls = await functionCalls(email, "confirm");
  assert.equal(calls.length, 2, "registration and retry each ran the function");
  assert.notEqual(calls[1].tokenId, calls[0].tokenId, "the retry has a fresh token");
  assert.notEqual(calls[1].token, calls[0].token);

  await expectRealmError(app.emailPasswordAuth.retryCustomConfirmation({ email }), ALREADY_CONFIRMED);
  await expectRealmError(app.emailPasswordAuth.retryCustomConfirmation({ email: uniqueEmail("retry-nobody") }), USER_NOT_FOUND);
});

test("callResetPasswordFunction 'success' (answer 'blue', code 42): new password at once, sessions revoked", NEEDS_FUNCTION_APP, async () => {
  const { app, user, email } = await functionAppUser("reset-ok");
  const newPassword = "n3w-Passw0rd";
  await app.emailPasswordAuth.callResetPasswordFunction({ email, password: newPassword }, "blue", 42);

  await expectRealmError(newFunctionApp().logIn(credentials(email)), {
    statusCode: 401,
    errorCode: "InvalidPassword",
    error: "unauthorized",
  });
  const fresh = await newFunctionApp().logIn(credentials(email, newPassword));
  assert.equal(fresh.id, user.id);

  const [call, ...more] = await functionCalls(email, "reset");
  assert.equal(more.length, 0, "the function ran once");
  assert.equal(call.currentPasswordValid, false, "the new password is not the current one");
  assert.match(call.token, HEX_128);
  assert.match(call.tokenId, HEX_24);

  // Like a reset by email, the reset ends the sessions from before it (realm-web logs the user out).
  await expectRealmError(user.refreshProfile(), { statusCode: 401, errorCode: "InvalidSession" });
  assert.equal(user.isLoggedIn, false);
});

test("callResetPasswordFunction 'fail' rejects with 400 'failed to reset password for user'; the password stays", NEEDS_FUNCTION_APP, async () => {
  const { email } = await functionAppUser("reset-fail");
  const app = newFunctionApp();
  const error = `failed to reset password for user "${email}"`;
  const attempts = [
    ["red", 42], // wrong answer
    ["blue", "42"], // the code as a string: EJSON keeps it one, and the function wants the number
    ["blue"], // no code
  ];
  for (const args of attempts) {
    const err = await expectRealmError(
      app.emailPasswordAuth.callResetPasswordFunction({ email, password: "n3w-Passw0rd" }, ...args),
      { statusCode: 400, errorCode: "BadRequest", error },
    );
    assert.ok(err.message.includes("failed to reset password"), err.message);
  }
  // The function learns whether the requested password is the current one.
  await expectRealmError(app.emailPasswordAuth.callResetPasswordFunction({ email, password: PASSWORD }, "red", 42), {
    statusCode: 400,
    errorCode: "BadRequest",
    error,
  });
  const calls = await functionCalls(email, "reset");
  assert.deepEqual(calls.map((call) => call.currentPasswordValid), [false, false, false, true]);

  await expectRealmError(app.logIn(credentials(email, "n3w-Passw0rd")), { statusCode: 401, errorCode: "InvalidPassword" });
  await app.logIn(credentials(email));

  await expectRealmError(
    app.emailPasswordAuth.callResetPasswordFunction({ email: uniqueEmail("nobody"), password: "n3w-Passw0rd" }, "blue", 42),
    USER_NOT_FOUND,
  );
});

test("callResetPasswordFunction 'pending' (answer 'later'): old password until resetPassword with the function's token", NEEDS_FUNCTION_APP, async () => {
  const { email } = await functionAppUser("reset-pending");
  const app = newFunctionApp();
  await app.emailPasswordAuth.callResetPasswordFunction({ email, password: "n3w-Passw0rd" }, "later", 42);
  await app.logIn(credentials(email));
  await expectRealmError(newFunctionApp().logIn(credentials(email, "n3w-Passw0rd")), {
    statusCode: 401,
    errorCode: "InvalidPassword",
  });

  // The function handed its token on; the user finishes the reset with it.
  const [{ token, tokenId }] = await functionCalls(email, "reset");
  await app.emailPasswordAuth.resetPassword({ password: "third-Passw0rd", token, tokenId });
  await newFunctionApp().logIn(credentials(email, "third-Passw0rd"));
  await expectRealmError(newFunctionApp().logIn(credentials(email)), { statusCode: 401, errorCode: "InvalidPassword" });
});

test("callResetPasswordFunction arguments arrive as JavaScript string, numbers, object, array and Date", NEEDS_FUNCTION_APP, async () => {
  // realm-web sends them as canonical EJSON: {"$numberInt":"42"}, {"$numberDouble":"1.5"},
  // {"$date":{"$numberLong":"..."}}; resetFunc.js checks the types ('types' user) and throws if any is off.
  const { email } = await functionAppUser("types");
  const app = newFunctionApp();
  const sent = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
  await app.emailPasswordAuth
    .callResetPasswordFunction({ email, password: "n3w-Passw0rd" }, "s", 42, 1.5, { nested: true }, [1, "two"], sent)
    .catch((err) => assert.fail(`the reset function refused the arguments (its Error is in the server log): ${err.message}`));
  await newFunctionApp().logIn(credentials(email, "n3w-Passw0rd"));
});

test("sendResetPasswordEmail with a reset function rejects with 400 'please use reset password via function'", NEEDS_FUNCTION_APP, async () => {
  const { email } = await functionAppUser("reset-send");
  const app = newFunctionApp();
  await expectRealmError(app.emailPasswordAuth.sendResetPasswordEmail({ email }), {
    statusCode: 400,
    errorCode: "BadRequest",
    error: "please use reset password via function",
  });
  assert.equal((await mailbox(email, 10, functionServer())).length, 0, "no mail");
  assert.equal((await functionCalls(email, "reset")).length, 0, "the function did not run");
  await app.logIn(credentials(email));
});

// ---------------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------------

test("an expired access token is refreshed transparently; an expired refresh token logs the user out", NEEDS_CLOCK, async () => {
  const { app, user } = await loggedInUser(uniqueEmail("refresh"));
  const firstAccessToken = user.accessToken;
  const refreshToken = user.refreshToken;

  await advanceClock(31 * MINUTE);
  // Profile answers 401 InvalidSession, realm-web refreshes (POST /auth/session) and retries.
  await user.refreshProfile();
  assert.notEqual(user.accessToken, firstAccessToken, "realm-web got a new access token");
  assert.equal(user.refreshToken, refreshToken, "the refresh token is kept");
  assert.equal(user.isLoggedIn, true);
  const renewed = jwtPayload(user.accessToken);
  assert.equal(renewed.sub, user.id);
  assert.ok(renewed.iat > jwtPayload(firstAccessToken).iat, "issued at the moved clock");

  await advanceClock(61 * DAY);
  await expectRealmError(user.refreshProfile(), { statusCode: 401, errorCode: "InvalidSession" });
  assert.equal(user.isLoggedIn, false);
  assert.equal(user.state, "logged-out");
  assert.equal(user.accessToken, null);
  assert.equal(app.currentUser, null);
});

test("logOut resolves and revokes the session (refresh and access token)", async () => {
  const { app, user } = await loggedInUser(uniqueEmail("logout"));
  const { accessToken, refreshToken } = user;
  await user.logOut();
  assert.equal(user.accessToken, null, "realm-web forgets the tokens");
  assert.equal(user.refreshToken, null);
  assert.equal(user.isLoggedIn, false);
  assert.equal(user.state, "logged-out");
  assert.equal(app.currentUser, null);

  const response = await withBearer("POST", "/auth/session", refreshToken);
  assert.equal(response.status, 401);
  assert.equal(response.headers.get("content-type"), "application/json");
  const body = await response.json();
  assert.equal(body.error_code, "InvalidSession");
  assert.equal(typeof body.error, "string");

  // The session's access token is revoked with it (spec 5.5).
  const profile = await withBearer("GET", "/auth/profile", accessToken);
  assert.equal(profile.status, 401);
  assert.equal((await profile.json()).error_code, "InvalidSession");
});

test("deleteUser removes the user; old credentials fail and the email can register again", async () => {
  const { app, user, email } = await loggedInUser(uniqueEmail("delete"));
  const refreshToken = user.refreshToken;
  // realm-web sends DELETE /auth/delete (access) and then DELETE /auth/session (refresh, spec 13).
  await app.deleteUser(user);
  assert.equal(user.state, "removed");
  assert.equal(app.currentUser, null);
  assert.equal(Object.keys(app.allUsers).length, 0);

  const refresh = await withBearer("POST", "/auth/session", refreshToken);
  assert.equal(refresh.status, 401, "the deleted user's sessions are revoked");

  await expectRealmError(newApp().logIn(credentials(email)), {
    statusCode: 401,
    errorCode: "InvalidPassword",
    error: "unauthorized",
  });

  const again = newApp();
  await registerConfirmed(again, email, "an0ther-Passw0rd");
  const reborn = await again.logIn(credentials(email, "an0ther-Passw0rd"));
  assert.notEqual(reborn.id, user.id, "a new user");
});

// ---------------------------------------------------------------------------------------------
// App lookup and raw wire properties
// ---------------------------------------------------------------------------------------------

test("an unknown app id makes logIn reject with a 404 JSON error", async () => {
  const app = newApp(`no-such-app-${randomBytes(4).toString("hex")}`);
  // The contract fixes no code or text here (spec 2: any non-2xx JSON error); Gatehouse says AppNotFound.
  const err = await expectRealmError(app.logIn(credentials(uniqueEmail())), { statusCode: 404, errorCode: /^\w+$/ });
  assert.match(err.url, /\/location$/, "the location request is the one that fails");
});

test("wire: a 204 reply has no content-type; an error reply's content-type is exactly application/json", async () => {
  const email = uniqueEmail("wire");
  const provider = `${CLIENT_API}/app/${APP_ID}/auth/providers/local-userpass`;
  const post = (path, body) =>
    fetch(`${provider}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });

  const registered = await post("/register", { email, password: PASSWORD });
  assert.ok(registered.status === 201 || registered.status === 204, `register answered ${registered.status}`);
  assert.equal(registered.headers.get("content-type"), null, "no content-type without a body (spec T3)");
  assert.equal(await registered.text(), "");

  const resent = await post("/confirm/send", { email });
  assert.equal(resent.status, 204);
  assert.equal(resent.headers.get("content-type"), null, "a 204 has no content-type (spec T3)");
  assert.equal(await resent.text(), "");

  const failed = await post("/register", { email, password: PASSWORD });
  assert.equal(failed.status, 409);
  assert.equal(failed.headers.get("content-type"), "application/json", "exactly application/json (spec T1)");
  const body = await failed.json();
  assert.equal(body.error_code, "AccountNameInUse");
  assert.equal(body.error, "name already in use");
  assert.equal(typeof body.link, "string");

  // An expired/garbage access token on an access-token route: 401 InvalidSession as JSON (spec 5.5).
  const profile = await withBearer("GET", "/auth/profile", "not.a.jwt");
  assert.equal(profile.status, 401);
  assert.equal(profile.headers.get("content-type"), "application/json");
  assert.equal((await profile.json()).error_code, "InvalidSession");
});
