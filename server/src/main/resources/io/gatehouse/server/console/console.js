// Shared by every console page. Data is only ever put into the page as text (textContent), never as HTML.
"use strict";
const gh = (() => {
  let csrf = "";
  // A 401 insufficient-user-authentication (a sensitive action, no recent sign-in) asks for the password (and code)
  // again, then repeats the request once.
  async function api(method, path, body, again) {
    const headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRF-Token"] = csrf;
    const res = await fetch(path, { method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const data = text && (res.headers.get("Content-Type") || "").includes("json") ? JSON.parse(text) : {};
    const type = (data.type || "").replace("urn:gatehouse:problem:", "");
    if (res.status === 401 && type === "insufficient-user-authentication" && !again) {
      await reauthenticate();
      return api(method, path, body, true);
    }
    if (res.status === 401 && !/\/(signin|signin\/mfa|reauthenticate)$/.test(path)) { location.href = "/account/signin"; throw new Error("signed out"); }
    if (!res.ok) {
      const detail = (data.errors && data.errors.map(e => e.field + ": " + e.message).join("; ")) || data.detail || data.title;
      const err = new Error(detail || ("HTTP " + res.status));
      err.type = type;
      err.problem = data;
      throw err;
    }
    return data;
  }
  // "Confirm it's you": a modal dialog; resolves once the server accepted the password (and code), rejects on cancel.
  function reauthenticate() {
    return new Promise((resolve, reject) => {
      const msg = el("p", { id: "reauth-status", role: "alert" });
      const form = el("form", { method: "dialog", class: "stack" },
        el("h2", { id: "reauth-h", text: "Confirm it's you" }),
        el("p", { text: "This action needs a recent sign-in. Enter your password again." }),
        el("label", { for: "reauth-password", text: "Password" }),
        el("input", { id: "reauth-password", name: "password", type: "password", autocomplete: "current-password", required: true }),
        el("label", { for: "reauth-code", text: "Authenticator code (if you use two-step sign-in)" }),
        el("input", { id: "reauth-code", name: "code", type: "text", inputmode: "numeric", autocomplete: "one-time-code" }),
        msg,
        el("div", { class: "actions" }, el("button", { type: "submit", id: "reauth-submit" }, "Confirm"),
          el("button", { type: "button", class: "secondary", id: "reauth-cancel" }, "Cancel")));
      const dialog = el("dialog", { "aria-labelledby": "reauth-h" }, form);
      const close = () => { dialog.close(); dialog.remove(); };
      form.addEventListener("submit", async ev => {
        ev.preventDefault();
        const f = formData(form);
        try {
          await api("POST", "/account/api/reauthenticate", { password: f.password, code: f.code || null }, true);
          close();
          resolve();
        } catch (e) { msg.textContent = e.message; }
      });
      form.querySelector("#reauth-cancel").addEventListener("click", () => { close(); reject(new Error("Not done: the action needs your password.")); });
      dialog.addEventListener("cancel", () => { dialog.remove(); reject(new Error("Not done: the action needs your password.")); });
      document.body.append(dialog);
      dialog.showModal();
    });
  }
  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "text") e.textContent = v;
      else if (k === "on") for (const [ev, f] of Object.entries(v)) e.addEventListener(ev, f);
      else if (k === "class") e.className = v;
      else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  function time(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return el("time", { datetime: iso, title: iso, text: d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) });
  }
  function say(message, error) {
    const s = document.getElementById("status");
    s.textContent = message;
    s.className = error ? "error" : "";
  }
  function table(headings, rows, caption) {
    const t = el("table", {}, caption ? el("caption", { class: "skip", text: caption }) : null,
      el("thead", {}, el("tr", {}, ...headings.map(h => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...rows.map(r => el("tr", {}, ...r.map(c => c instanceof Node && c.tagName === "TD" ? c : el("td", {}, c))))));
    return el("div", { class: "table" }, t);
  }
  function fill(id, ...nodes) { const e = document.getElementById(id); e.replaceChildren(...nodes.filter(n => n !== null && n !== undefined)); return e; }
  async function act(label, fn) {
    try { const r = await fn(); if (label) say(label); return r; } catch (e) { say(e.message, true); return null; }
  }
  async function me() {
    const m = await api("GET", "/account/api/me");
    csrf = m.csrf;
    fill("who", (m.full_name ? m.full_name + " · " : "") + m.email);
    const adminLink = document.getElementById("admin-link");
    if (adminLink && m.admin) adminLink.classList.remove("hidden");
    document.getElementById("signout").addEventListener("click", async () => {
      await act(null, () => api("POST", "/account/api/signout"));
      location.href = "/account/signin";
    });
    return m;
  }
  // "Firefox 128 on Windows 10", or the raw user agent when the parser does not know it.
  function agent(s) {
    return s.browser === "Unknown" && s.user_agent ? s.user_agent : s.browser + " on " + s.os;
  }
  function formData(form) { return Object.fromEntries(new FormData(form).entries()); }
  return { api, el, time, say, table, fill, act, me, formData, agent };
})();
