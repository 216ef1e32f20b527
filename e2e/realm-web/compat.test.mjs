// realm-web 2.0.1 compatibility suite for Gatehouse (Email/Password provider, sessions, profile).
//
// Drives the unmodified realm-web SDK through its public API against a running Gatehouse and
// asserts the behaviour of the App Services wire contract (shared/spec/app-services-wire.md;
// section numbers below refer to it). Run by e2e/src/test/java/.../RealmWebCompatibilityTest.java,
// which sets:
//   GATEHOUSE_URL        server base URL (realm-web `baseUrl`)
//   GATEHOUSE_APP_ID     client app id (default app: confirmation and reset by email)
//   GATEHOUSE_CLOCK_URL  test-only control endpoint: POST {url}/advance?seconds=N moves the server clock
//
// Every test uses its own email address and its own Realm.App (with its own in-memory storage),
// so the tests do not depend on each other or on their order.

import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as Realm from "realm-web";

const BASE_URL = process.env.GATEHOUSE_URL;
const APP_ID = process.env.GATEHOUSE_APP_ID ?? "gatehouse-local";
const CLOCK_URL = process.env.GATEHOUSE_CLOCK_URL;

assert.ok(BASE_URL, "GATEHOUSE_URL is not set: start a Gatehouse and point GATEHOUSE_URL at it");

const CLIENT_API = `${BASE_URL}/api/client/v2.0`;
const PASSWORD = "Pa55w0rd!";
const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;
const HEX_24 = /^[0-9a-f]{24}$/;
const HEX_128 = /^[0-9a-f]{128}$/;

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

/** The newest dev-mailbox messages to `email`, newest first. */
async function mailbox(email, limit = 10) {
  const url = `${BASE_URL}/dev/mailbox/${encodeURIComponent(APP_ID)}?email=${encodeURIComponent(email)}&limit=${limit}`;
  const response = await fetch(url);
  assert.equal(response.status, 200, `dev mailbox answered ${response.status}: ${await response.clone().text()}`);
  const { messages } = await response.json();
  assert.ok(Array.isArray(messages), "dev mailbox reply has a 'messages' array");
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
  await expectRealmError(app.emailPasswordAuth.resendConfirmationEmail({ email }), {
    statusCode: 400,
    errorCode: "UserAlreadyConfirmed",
    error: "already confirmed",
  });
  await expectRealmError(app.emailPasswordAuth.resendConfirmationEmail({ email: uniqueEmail("nobody") }), {
    statusCode: 404,
    errorCode: "UserNotFound",
    error: "user not found",
  });
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

test("a confirmation token older than 30 minutes is rejected; a resent one works", async () => {
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
  await expectRealmError(newApp().emailPasswordAuth.sendResetPasswordEmail({ email }), {
    statusCode: 404,
    errorCode: "UserNotFound",
    error: "user not found",
  });
  assert.equal((await mailbox(email)).length, 0);
});

test("a reset token older than 30 minutes is rejected", async () => {
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
  await expectRealmError(app.emailPasswordAuth.retryCustomConfirmation({ email: uniqueEmail("nobody") }), {
    statusCode: 404,
    errorCode: "UserNotFound",
    error: "user not found",
  });
  // The user is still pending.
  await expectRealmError(app.logIn(credentials(email)), { statusCode: 401, errorCode: "AuthError" });
});

// ---------------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------------

test("an expired access token is refreshed transparently; an expired refresh token logs the user out", async () => {
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
