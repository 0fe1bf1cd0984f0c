"use strict";
(() => {
  const { api, el, time, table, fill, act, formData } = gh;
  const LABELS = { login_success: "Signed in", login_failure: "Failed sign-in", lockout: "Locked out",
    logout: "Signed out", logout_all: "Signed out everywhere", password_changed: "Password changed",
    session_created: "New session", session_ended: "Session ended", session_evicted: "Session evicted",
    device_trusted: "Device trusted", mfa_enabled: "Two-step sign-in on", mfa_disabled: "Two-step sign-in off", device_untrusted: "Device untrusted", token_revoked: "Tokens revoked",
    refresh_reuse_detected: "Stolen token detected", register: "Account created", admin_action: "Administrator action",
    rate_limit_exceeded: "Too many attempts" };

  function what(s) {
    return el("span", {}, gh.agent(s), el("br"), el("span", { class: "muted", text: s.device + (s.device_name ? " · " + s.device_name : "") }));
  }

  async function sessions() {
    const { sessions } = await api("GET", "/account/api/sessions");
    fill("sessions", sessions.length === 0 ? el("p", { text: "No sessions." }) : table(
      ["Browser", "IP address", "Signed in", "Last active", ""],
      sessions.map(s => [
        el("td", { "data-ref": s.ref, class: "session" }, what(s), s.current ? el("span", {}, " ", el("span", { class: "tag current", text: "this browser" })) : null),
        s.ip || "", time(s.created_at), time(s.last_seen_at),
        el("button", { type: "button", class: "secondary", "aria-label": "Sign out " + s.browser + " on " + s.os + (s.current ? " (this browser)" : ""),
          on: { click: () => endSession(s) } }, "Sign out")]), "Sessions"));
    performance.mark("gatehouse:sessions-rendered");
  }

  async function endSession(s) {
    await act("Session signed out.", () => api("POST", "/account/api/sessions/" + encodeURIComponent(s.ref) + "/end"));
    if (s.current) { location.href = "/account/signin"; return; }
    await refresh();
  }

  async function devices() {
    const { devices } = await api("GET", "/account/api/devices");
    fill("devices", devices.length === 0 ? el("p", { text: "No devices." }) : table(
      ["Device", "Last seen", "Trust", ""],
      devices.map(d => [
        el("td", { class: "device", "data-device": d.device_id }, what(d), d.current ? el("span", {}, " ", el("span", { class: "tag current", text: "this browser" })) : null),
        time(d.last_seen_at),
        d.trusted ? el("span", { class: "tag trusted", text: "trusted" }) : el("span", { class: "muted", text: "not trusted" }),
        el("button", { type: "button", class: "secondary", on: { click: () => trust(d) } }, d.trusted ? "Untrust" : "Trust")]), "Devices"));
  }

  async function trust(d) {
    await act(d.trusted ? "Device no longer trusted." : "Device trusted.",
      () => api("POST", "/account/api/devices/" + encodeURIComponent(d.device_id) + (d.trusted ? "/untrust" : "/trust")));
    await devices();
  }

  async function activity() {
    const { events } = await api("GET", "/account/api/activity");
    fill("activity", events.length === 0 ? el("p", { text: "No activity yet." }) : table(
      ["When", "What", "IP address", "Browser", ""],
      events.map(e => [time(e.time),
        el("span", {}, LABELS[e.type] || e.type, e.severity === "critical" ? el("span", {}, " ", el("span", { class: "tag critical", text: "critical" })) : null),
        e.ip || "", e.browser || "",
        e.type === "login_success" || e.type === "login_failure" || e.type === "password_changed" || e.type === "device_trusted"
          ? el("button", { type: "button", class: "secondary not-me", on: { click: notMe } }, "This wasn't me") : ""]), "Security activity"));
  }

  function notMe() {
    const f = document.getElementById("not-me");
    f.classList.remove("hidden");
    document.getElementById("not-me-current").focus();
  }

  const show = (id, on) => document.getElementById(id).classList.toggle("hidden", !on);

  async function mfa() {
    const m = await api("GET", "/account/api/mfa");
    fill("mfa-state", !m.available && !m.totp ? "Two-step sign-in is not available on this server."
      : m.totp ? "On: sign-ins ask for a code from your authenticator app. Recovery codes left: " + m.recovery_codes_left + "."
        : "Off: a password alone signs you in.");
    show("mfa-enrol", m.available && !m.totp);
    show("mfa-codes", m.totp);
    show("mfa-disable", m.totp);
  }

  function recoveryCodes(codes) {
    fill("mfa-recovery-list", ...codes.map(c => el("li", { text: c })));
    show("mfa-recovery", true);
  }

  async function enrol() {
    const e = await act(null, () => api("POST", "/account/api/mfa/totp"));
    if (!e) return;
    // The QR code is SVG drawn by the server (no user data in it): parsed as an image document, never as HTML.
    const svg = new DOMParser().parseFromString(e.qr_svg, "image/svg+xml").documentElement;
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "QR code of the key for an authenticator app");
    fill("mfa-qr", document.importNode(svg, true));
    fill("mfa-secret", e.secret);
    show("mfa-setup", true);
    show("mfa-recovery", false);
    document.getElementById("mfa-confirm-code").focus();
  }

  async function refresh() { await Promise.all([sessions(), devices(), activity(), mfa()]); }

  document.addEventListener("DOMContentLoaded", async () => {
    await act(null, async () => { await gh.me(); await refresh(); });
    document.getElementById("end-others").addEventListener("click", async () => {
      const r = await act(null, () => api("POST", "/account/api/sessions/end-others"));
      if (r) { gh.say(r.sessions_ended + " other session(s) signed out."); await refresh(); }
    });
    document.getElementById("end-all").addEventListener("click", async () => {
      if (await act(null, () => api("POST", "/account/api/sessions/end-all"))) location.href = "/account/signin";
    });
    document.getElementById("password").addEventListener("submit", async ev => {
      ev.preventDefault();
      const r = await act(null, () => api("POST", "/account/api/password", formData(ev.target)));
      if (r) { ev.target.reset(); gh.say("Password changed; " + r.sessions_ended + " other session(s) signed out."); await refresh(); }
    });
    document.getElementById("mfa-enrol").addEventListener("click", enrol);
    document.getElementById("mfa-confirm").addEventListener("submit", async ev => {
      ev.preventDefault();
      const r = await act("Two-step sign-in is on.", () => api("POST", "/account/api/mfa/totp/confirm", formData(ev.target)));
      if (r) { ev.target.reset(); show("mfa-setup", false); recoveryCodes(r.recovery_codes); await refresh(); }
    });
    document.getElementById("mfa-codes").addEventListener("click", async () => {
      const r = await act("New recovery codes: the old ones no longer work.", () => api("POST", "/account/api/mfa/recovery-codes"));
      if (r) { recoveryCodes(r.recovery_codes); await mfa(); }
    });
    document.getElementById("mfa-disable").addEventListener("submit", async ev => {
      ev.preventDefault();
      const f = formData(ev.target);
      const body = f.password ? { password: f.password } : { code: f.code };
      if (await act("Two-step sign-in is off.", () => api("POST", "/account/api/mfa/totp/disable", body)) !== null) {
        ev.target.reset(); show("mfa-recovery", false); await refresh();
      }
    });
    document.getElementById("not-me").addEventListener("submit", async ev => {
      ev.preventDefault();
      if (await act(null, () => api("POST", "/account/api/not-me", formData(ev.target)))) location.href = "/account/signin";
    });
  });
})();
