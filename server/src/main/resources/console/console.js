// Gatehouse admin console: a client of the admin API (/api/admin/v3.0), nothing more. No build
// step and no framework. Text from the server is only ever set with textContent, and the page's
// Content-Security-Policy allows scripts from this origin only. Tokens live in sessionStorage: they
// end with the tab, and the API takes them as a bearer header, never a cookie, so other sites
// cannot make requests with them (no CSRF).
"use strict";

const API = "/api/admin/v3.0";
const PAGE = 20;
const state = { group: null, apps: [], app: null, after: [], search: "" };

// ---- tiny DOM helpers -------------------------------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else if (v !== false && v != null) el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c != null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function show(...nodes) {
  const main = document.getElementById("main");
  main.replaceChildren(...nodes);
  const heading = main.querySelector("h1");
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}

function say(text, kind) {
  const s = document.getElementById("status");
  s.textContent = text || "";
  s.className = kind || "";
}

function date(seconds) {
  return seconds ? new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 16) : "never";
}

function table(headers, rows, empty) {
  if (rows.length === 0) return h("p", { class: "empty" }, empty);
  return h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, headers.map(t => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows)));
}

// ---- the API ------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || "request failed with status " + status);
    this.status = status;
  }
}

async function call(method, path, body, retried) {
  const headers = { "Accept": "application/json" };
  const access = sessionStorage.getItem("access");
  if (access) headers["Authorization"] = "Bearer " + access;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401 && !retried && sessionStorage.getItem("refresh") && await refresh()) {
    return call(method, path, body, true);
  }
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (res.status === 401 && !path.startsWith("/auth/providers/")) {
    signOut("Your session has ended; sign in again.");
    throw new ApiError(401, data);
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

async function refresh() {
  const res = await fetch(API + "/auth/session", {
    method: "POST", headers: { "Authorization": "Bearer " + sessionStorage.getItem("refresh") } });
  if (!res.ok) return false;
  sessionStorage.setItem("access", (await res.json()).access_token);
  return true;
}

const appPath = suffix => "/groups/" + state.group + "/apps/" + state.app._id + suffix;

// Runs an action, saying what happened; returns whether it worked.
async function act(doing, done, fn) {
  say(doing + "…");
  try {
    await fn();
    say(done, "ok");
    return true;
  } catch (e) {
    if (e.status !== 401) say(e.message, "error");
    return false;
  }
}

// ---- sign-in ------------------------------------------------------------------------------------

function signInPage(message) {
  document.getElementById("nav").hidden = true;
  const user = h("input", { id: "username", name: "username", type: "text", autocomplete: "username", required: true });
  const pass = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const form = h("form", { class: "signin", onsubmit: async e => {
    e.preventDefault();
    say("Signing in…");
    try {
      const tokens = await call("POST", "/auth/providers/local-userpass/login", { username: user.value, password: pass.value });
      sessionStorage.setItem("access", tokens.access_token);
      sessionStorage.setItem("refresh", tokens.refresh_token);
      say("");
      await start();
    } catch (err) {
      say(err.status === 401 ? "Wrong username or password." : err.message, "error");
      pass.value = "";
      pass.focus();
    }
  } },
    h("div", { class: "field" }, h("label", { for: "username" }, "Username"), user),
    h("div", { class: "field" }, h("label", { for: "password" }, "Password"), pass),
    h("button", { type: "submit" }, "Sign in"),
    h("p", { class: "hint" }, "Admins are created with ", h("code", {}, "gatehouse admin add-user"), "."));
  show(h("h1", {}, "Sign in"), form);
  if (message) say(message, "error");
}

function signOut(message) {
  const refreshToken = sessionStorage.getItem("refresh");
  sessionStorage.clear();
  if (refreshToken) {
    fetch(API + "/auth/session", { method: "DELETE", headers: { "Authorization": "Bearer " + refreshToken } });
  }
  signInPage(message);
}

async function start() {
  const profile = await call("GET", "/auth/profile");
  state.group = profile.roles[0].group_id;
  state.apps = await call("GET", "/groups/" + state.group + "/apps");
  const select = document.getElementById("app");
  select.replaceChildren(...state.apps.map(a => h("option", { value: a._id }, a.name + " (" + a.client_app_id + ")")));
  const remembered = sessionStorage.getItem("app");
  state.app = state.apps.find(a => a._id === remembered) || state.apps[0];
  select.value = state.app._id;
  document.getElementById("nav").hidden = false;
  route();
}

// ---- users --------------------------------------------------------------------------------------

function searchForm(label, onSearch) {
  const input = h("input", { id: "search", type: "search", name: "search", value: state.search });
  return h("form", { class: "row", role: "search", onsubmit: e => {
    e.preventDefault();
    state.search = input.value.trim();
    state.after = [];
    onSearch();
  } }, h("div", {}, h("label", { for: "search" }, label), input), h("button", { type: "submit" }, "Search"));
}

function pager(rows, reload) {
  const prev = h("button", { type: "button", class: "secondary", disabled: state.after.length === 0,
    onclick: () => { state.after.pop(); reload(); } }, "Previous");
  const next = h("button", { type: "button", class: "secondary", disabled: rows.length < PAGE,
    onclick: () => { state.after.push(rows[rows.length - 1]._id); reload(); } }, "Next");
  return h("div", { class: "pager" }, prev, next, h("span", {}, "Page " + (state.after.length + 1)));
}

function query() {
  const q = new URLSearchParams({ limit: PAGE, desc: "true" });
  if (state.search) q.set("search", state.search);
  if (state.after.length) q.set("after", state.after[state.after.length - 1]);
  return "?" + q;
}

async function usersPage() {
  const count = await call("GET", appPath("/users_count" + (state.search ? "?search=" + encodeURIComponent(state.search) : "")));
  const users = await call("GET", appPath("/users" + query()));
  const rows = users.map(u => {
    const email = u.data.email;
    const id = "/users/" + u._id;
    return h("tr", {},
      h("td", {}, email, u.disabled ? [" ", h("span", { class: "tag" }, "disabled")] : null),
      h("td", { class: "mono" }, u._id),
      h("td", {}, date(u.creation_date)),
      h("td", {}, date(u.last_authentication_date)),
      h("td", { class: "actions" },
        h("button", { type: "button", class: "secondary", "aria-label": (u.disabled ? "Enable " : "Disable ") + email,
          onclick: async () => { if (await act("Saving", email + (u.disabled ? " enabled" : " disabled"),
            () => call("PUT", appPath(id + (u.disabled ? "/enable" : "/disable"))))) usersPage(); } },
          u.disabled ? "Enable" : "Disable"),
        h("button", { type: "button", class: "secondary", "aria-label": "Log out " + email + " everywhere",
          onclick: () => act("Logging out", email + " is logged out everywhere", () => call("PUT", appPath(id + "/logout"))) },
          "Log out"),
        h("button", { type: "button", class: "danger", "aria-label": "Delete " + email,
          onclick: async () => { if (confirm("Delete " + email + "? This cannot be undone.")
            && await act("Deleting", email + " deleted", () => call("DELETE", appPath(id)))) usersPage(); } },
          "Delete")));
  });
  const email = h("input", { id: "new-email", type: "email", required: true, autocomplete: "off" });
  const password = h("input", { id: "new-password", type: "password", required: true, minlength: 6, maxlength: 128, autocomplete: "new-password" });
  const create = h("form", { class: "row", onsubmit: async e => {
    e.preventDefault();
    if (await act("Creating", email.value + " created", () => call("POST", appPath("/users"), { email: email.value, password: password.value }))) {
      usersPage();
    }
  } }, h("div", {}, h("label", { for: "new-email" }, "Email"), email),
    h("div", {}, h("label", { for: "new-password" }, "Password"), password),
    h("button", { type: "submit" }, "Create confirmed user"));
  show(h("h1", {}, "Users"),
    searchForm("Search by email", usersPage),
    h("p", { id: "count" }, count + (count === 1 ? " user" : " users") + (state.search ? " match" : "")),
    table(["Email", "Id", "Created", "Last login", "Actions"], rows, "No users."),
    pager(users, usersPage),
    h("h2", {}, "New user"), create);
}

// ---- pending users ------------------------------------------------------------------------------

async function pendingPage() {
  const count = await call("GET", appPath("/user_registrations/pending_users_count" + (state.search ? "?search=" + encodeURIComponent(state.search) : "")));
  const pending = await call("GET", appPath("/user_registrations/pending_users" + query()));
  const rows = pending.map(p => {
    const email = p.login_ids[0].id;
    const path = "/user_registrations/by_email/" + encodeURIComponent(email);
    const button = (text, cls, doing, done, method, suffix, reload) => h("button", { type: "button", class: cls,
      "aria-label": text + " " + email,
      onclick: async () => { if (await act(doing, done, () => call(method, appPath(path + suffix))) && reload) pendingPage(); } }, text);
    return h("tr", {},
      h("td", {}, email),
      h("td", {}, date(p.creation_date)),
      h("td", { class: "actions" },
        button("Confirm", "", "Confirming", email + " confirmed", "POST", "/confirm", true),
        button("Resend email", "secondary", "Sending", "Confirmation email sent to " + email, "POST", "/send_confirm", false),
        button("Run function", "secondary", "Running the confirmation function", "Confirmation function started for " + email, "POST", "/run_confirm", true),
        h("button", { type: "button", class: "danger", "aria-label": "Delete " + email,
          onclick: async () => { if (confirm("Delete the pending user " + email + "?")
            && await act("Deleting", email + " deleted", () => call("DELETE", appPath(path)))) pendingPage(); } }, "Delete")));
  });
  show(h("h1", {}, "Pending users"),
    searchForm("Search by email", pendingPage),
    h("p", { id: "count" }, count + " pending"),
    table(["Email", "Registered", "Actions"], rows, "No pending users."),
    pager(pending, pendingPage));
}

// ---- provider -----------------------------------------------------------------------------------

const TEXT_FIELDS = [
  ["emailConfirmationUrl", "Email confirmation URL", "Empty: links go to Gatehouse's own confirmation page. Gets ?token=…&tokenId=… appended."],
  ["confirmEmailSubject", "Confirmation email subject", "Empty: the default subject. At most 256 characters."],
  ["confirmationFunctionName", "Confirmation function", "A function of the app's export, used when 'Confirm by function' is on."],
  ["resetPasswordUrl", "Password reset URL", "Empty: links go to Gatehouse's own reset page."],
  ["resetPasswordSubject", "Reset email subject", "Empty: the default subject. At most 256 characters."],
  ["resetFunctionName", "Reset function", "Used when 'Reset by function' is on."]];
const CHECKS = [
  ["autoConfirm", "Confirm users automatically"],
  ["runConfirmationFunction", "Confirm by function"],
  ["runResetFunction", "Reset by function"]];

async function providerPage() {
  const provider = await call("GET", appPath("/auth_providers/local-userpass"));
  const enabled = h("input", { id: "enabled", type: "checkbox", checked: !provider.disabled });
  const checks = CHECKS.map(([k, label]) => [k, h("input", { id: k, type: "checkbox", checked: !!provider.config[k] }), label]);
  const texts = TEXT_FIELDS.map(([k, label, hint]) =>
    [k, h("input", { id: k, type: k.endsWith("Url") ? "url" : "text", value: provider.config[k] || "", "aria-describedby": k + "-hint" }), label, hint]);
  const form = h("form", { onsubmit: async e => {
    e.preventDefault();
    const config = {};
    checks.forEach(([k, input]) => { config[k] = input.checked; });
    texts.forEach(([k, input]) => { config[k] = input.value.trim(); });
    await act("Saving", "Provider settings saved", () => call("PATCH", appPath("/auth_providers/local-userpass"),
      { disabled: !enabled.checked, config }));
  } },
    h("div", { class: "field" }, h("label", { class: "check", for: "enabled" }, enabled, "Provider enabled")),
    checks.map(([k, input, label]) => h("div", { class: "field" }, h("label", { class: "check", for: k }, input, label))),
    texts.map(([k, input, label, hint]) => h("div", { class: "field" }, h("label", { for: k }, label), input,
      h("p", { class: "hint", id: k + "-hint" }, hint))),
    h("button", { type: "submit" }, "Save"));
  show(h("h1", {}, "Email/Password provider"),
    h("p", { class: "hint" }, "Changes apply at once on every node and are written back to the app's export."), form);
}

// ---- mail ---------------------------------------------------------------------------------------

async function mailPage() {
  const queued = await call("GET", "/outbox?status=queued");
  const parked = await call("GET", "/outbox?status=parked");
  const outboxRows = list => list.messages.map(m => h("tr", {},
    h("td", {}, m.to), h("td", {}, m.kind), h("td", {}, String(m.attempts)),
    h("td", {}, m.created_at.replace("T", " ").slice(0, 16)), h("td", {}, m.last_error || "")));
  const headers = ["To", "Kind", "Attempts", "Queued", "Last error"];
  const parts = [h("h1", {}, "Mail")];
  if (queued.smtp) {
    parts.push(h("h2", {}, "Queued"), table(headers, outboxRows(queued), "Nothing waiting."),
      h("h2", {}, "Parked"), table(headers, outboxRows(parked), "Nothing parked."),
      h("button", { type: "button", disabled: parked.messages.length === 0, onclick: async () => {
        if (await act("Re-queueing", "Parked mail is queued again", () => call("POST", "/outbox/requeue"))) mailPage();
      } }, "Re-queue parked mail"));
  } else {
    const mails = (await call("GET", appPath("/dev_mailbox"))).messages;
    parts.push(h("p", { class: "hint" }, "No SMTP server is configured: mail goes to this dev mailbox. Do not use this mode in production."),
      h("h2", {}, "Dev mailbox"),
      table(["To", "Subject", "Sent", "Link"], mails.map(m => h("tr", {},
        h("td", {}, m.to), h("td", {}, m.subject), h("td", {}, m.created_at.replace("T", " ").slice(0, 16)),
        h("td", { class: "mono" }, h("a", { href: m.link, rel: "noreferrer" }, "open link")))), "No mail yet."));
  }
  show(...parts);
}

// ---- navigation ---------------------------------------------------------------------------------

const PAGES = { users: usersPage, pending: pendingPage, provider: providerPage, mail: mailPage };

async function route() {
  if (!sessionStorage.getItem("access")) return signInPage();
  const name = PAGES[location.hash.slice(1)] ? location.hash.slice(1) : "users";
  document.querySelectorAll("#nav a").forEach(a => {
    if (a.getAttribute("href") === "#" + name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
  try {
    await PAGES[name]();
  } catch (e) {
    if (e.status !== 401) say(e.message, "error");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  window.addEventListener("hashchange", () => { state.after = []; state.search = ""; say(""); route(); });
  document.getElementById("sign-out").addEventListener("click", () => signOut());
  document.getElementById("app").addEventListener("change", e => {
    state.app = state.apps.find(a => a._id === e.target.value);
    sessionStorage.setItem("app", state.app._id);
    state.after = [];
    route();
  });
  if (sessionStorage.getItem("access")) start().catch(() => signInPage()); else signInPage();
});
