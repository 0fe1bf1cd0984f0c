"use strict";
(() => {
  const { api, el, time, table, fill, act, formData, say } = gh;
  const TYPES = ["register", "login_success", "login_failure", "lockout", "logout", "logout_all", "token_revoked",
    "refresh_reuse_detected", "session_created", "session_ended", "session_evicted", "device_trusted",
    "device_untrusted", "password_changed", "password_reset", "email_verified", "new_device", "new_network", "rate_limit_exceeded", "admin_action"];
  let cursor = null, filters = "";

  function eventsTable(events, caption) {
    return table(["When", "Type", "Severity", "User", "IP", "Browser", "Reason / details"], events.map(e => [
      time(e.time), e.type, el("span", { class: "tag " + e.severity, text: e.severity }), el("td", { class: "wrap", text: e.user || "" }),
      e.ip || "", el("td", { class: "wrap", title: e.user_agent || "", text: e.browser || "" }),
      el("td", { class: "wrap", text: [e.reason, ...Object.entries(e.details || {}).map(([k, v]) => k + "=" + v)].filter(Boolean).join(" · ") })]), caption);
  }

  let searchQ = "";
  async function search(q, offset) {
    searchQ = q;
    const page = await api("GET", "/admin/api/users?q=" + encodeURIComponent(q) + "&offset=" + (offset || 0));
    const users = page.users;
    const more = page.next_offset === null ? null : el("button", { type: "button", id: "users-next", class: "secondary",
      on: { click: () => act(null, () => search(searchQ, page.next_offset)) } }, "Next " + users.length);
    fill("users", users.length === 0 ? el("p", { text: "No user matches." }) : table(["Email", "Name", "Status", "Roles", ""],
      users.map(u => [el("td", { class: "wrap", text: u.email }), u.full_name || "", u.status, u.roles.join(", "),
        el("button", { type: "button", class: "secondary open-user", "aria-label": "Open " + u.email, on: { click: () => act(null, () => openUser(u.id)) } }, "Open")]), "Users found"),
      el("p", { class: "muted", text: (page.offset + 1) + "–" + (page.offset + users.length) + " of " + page.total }), more);
  }

  async function openUser(id) {
    const d = await api("GET", "/admin/api/users/" + encodeURIComponent(id));
    const u = d.user, base = "/admin/api/users/" + encodeURIComponent(u.id);
    const doIt = (label, path, body) => async () => {
      if (await act(label, () => api("POST", base + path, body ? body() : undefined))) await openUser(u.id);
    };
    const reason = el("input", { id: "admin-reason", type: "text", value: "" });
    const roles = el("input", { id: "admin-roles", type: "text", value: u.roles.join(", ") });
    const box = fill("user",
      el("h3", { text: "User " + u.email }),
      el("p", {}, "Id: ", el("code", { text: u.id }), " · Name: ", u.full_name || "—", " · Status: ",
        el("span", { id: "user-status", class: "tag " + u.status, text: u.status }), " · Created: ", time(u.created_at),
        " · Login lockout: ", d.lockout.locked ? "locked" : "none"),
      el("div", { class: "inline actions" },
        el("div", {}, el("label", { for: "admin-reason", text: "Reason (for suspend and revoke)" }), reason),
        el("button", { type: "button", id: "user-suspend", class: "danger", on: { click: doIt("User suspended.", "/suspend", () => ({ reason: reason.value })) } }, "Suspend"),
        el("button", { type: "button", id: "user-reactivate", class: "secondary", on: { click: doIt("User reactivated.", "/reactivate") } }, "Reactivate"),
        el("button", { type: "button", id: "user-revoke", class: "secondary", on: { click: doIt("Every token revoked.", "/revoke-tokens", () => ({ reason: reason.value })) } }, "Revoke tokens"),
        el("button", { type: "button", id: "user-end-sessions", class: "secondary", on: { click: doIt("Sessions ended.", "/end-sessions") } }, "End sessions"),
        el("button", { type: "button", id: "user-unlock", class: "secondary", on: { click: doIt("Account unlocked.", "/unlock") } }, "Unlock")),
      el("div", { class: "inline actions" },
        el("div", {}, el("label", { for: "admin-roles", text: "Roles (comma separated)" }), roles),
        el("button", { type: "button", id: "user-roles", class: "secondary",
          on: { click: doIt("Roles set.", "/roles", () => ({ roles: roles.value.split(",").map(s => s.trim()).filter(Boolean) })) } }, "Set roles")),
      el("h3", { text: "Sessions" }),
      d.sessions.length ? table(["Browser", "IP", "Signed in", "Last active"], d.sessions.map(s => [gh.agent(s) + " (" + s.device + ")", s.ip || "", time(s.created_at), time(s.last_seen_at)]), "User sessions") : el("p", { text: "None." }),
      el("h3", { text: "Devices" }),
      d.devices.length ? table(["Device", "Last seen", "Trusted"], d.devices.map(v => [gh.agent(v), time(v.last_seen_at), v.trusted ? "yes" : "no"]), "User devices") : el("p", { text: "None." }),
      el("h3", { text: "Recent events" }), eventsTable(d.events, "User events"));
    box.classList.remove("hidden");
  }

  async function lockouts() {
    const locked = (await api("GET", "/admin/api/lockouts")).lockouts;
    fill("lockouts", locked.length === 0 ? el("p", { text: "Nobody is locked out." }) : table(["Account", "IP", "For", ""],
      locked.map(l => [el("td", { class: "wrap", text: l.account }), l.ip, l.permanent ? "until unlocked" : l.retry_after_seconds + " s",
        el("button", { type: "button", class: "secondary unlock", on: { click: async () => {
          if (await act("Unlocked.", () => api("POST", "/admin/api/lockouts/unlock", { account: l.account, ip: l.ip }))) await lockouts();
        } } }, "Unlock")]), "Lockouts"));
  }

  function query(form) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(formData(form))) {
      if (!v) continue;
      p.set(k, k === "from" || k === "to" ? new Date(v + "Z").toISOString() : v);
    }
    return p.toString();
  }

  async function events(next) {
    const p = new URLSearchParams(filters);
    if (next && cursor) p.set("cursor", cursor);
    const page = await api("GET", "/admin/api/events?" + p.toString());
    cursor = page.next_cursor;
    document.getElementById("events-next").classList.toggle("hidden", !cursor);
    fill("events", page.events.length ? eventsTable(page.events, "Security events") : el("p", { text: "No events match." }));
    document.getElementById("export-csv").href = "/admin/api/events/export?format=csv" + (filters ? "&" + filters : "");
    document.getElementById("export-jsonl").href = "/admin/api/events/export?format=jsonl" + (filters ? "&" + filters : "");
  }

  async function chartsLoad() {
    const c = await api("GET", "/admin/api/charts");
    fill("chart-hours", charts.bars(c.hours.map(h => ({ label: h.hour.substring(11, 13) + "h", values: [h.logins, h.failures, h.rate_limited] })),
      ["logins", "failures", "rate limited (sampled)"], "Logins, failures and rate-limit refusals per hour over the last 24 hours"));
    fill("chart-days", charts.bars(c.days.map(d => ({ label: d.day.substring(5), values: [d.info, d.warning, d.critical] })),
      ["info", "warning", "critical"], "Security events per severity per day over the last 7 days"));
  }

  async function limits() {
    const { policies } = await api("GET", "/admin/api/rate-limits");
    fill("policies", table(["Policy", "Limit", "Burst", "When the store is down"], policies.map(p => [p.name, p.limit, p.burst, p.on_store_down]), "Rate-limit policies"));
    fill("limit-policy", ...policies.map(p => el("option", { value: p.name, text: p.name })));
  }

  function pairs(obj, prefix) {
    return Object.entries(obj || {}).flatMap(([k, v]) => v !== null && typeof v === "object" && !Array.isArray(v)
      ? pairs(v, prefix + k + ".") : [[prefix + k, Array.isArray(v) ? JSON.stringify(v) : String(v)]]);
  }

  async function facts(id, path, caption) {
    const data = await api("GET", path);
    fill(id, table(["What", "Value"], pairs(data, "").map(([k, v]) => [k, el("td", { class: "wrap", text: v })]), caption));
  }

  document.addEventListener("DOMContentLoaded", async () => {
    fill("ev-type", el("option", { value: "", text: "any" }), ...TYPES.map(t => el("option", { value: t, text: t })));
    await act(null, async () => {
      await gh.me();
      await Promise.all([search(""), lockouts(), events(false), chartsLoad(), limits(), facts("revocations", "/admin/api/revocations", "Revocations"),
        facts("health", "/admin/api/health", "Health")]);
    });
    document.getElementById("user-search").addEventListener("submit", ev => { ev.preventDefault(); act(null, () => search(formData(ev.target).q)); });
    document.getElementById("unlock").addEventListener("submit", async ev => {
      ev.preventDefault();
      if (await act("Unlocked.", () => api("POST", "/admin/api/lockouts/unlock", formData(ev.target)))) { ev.target.reset(); await lockouts(); }
    });
    document.getElementById("event-filters").addEventListener("submit", ev => { ev.preventDefault(); filters = query(ev.target); cursor = null; act(null, () => events(false)); });
    document.getElementById("events-next").addEventListener("click", () => act(null, () => events(true)));
    document.getElementById("limit-status").addEventListener("submit", async ev => {
      ev.preventDefault();
      const f = formData(ev.target);
      const r = await act(null, () => api("GET", "/admin/api/rate-limits/" + encodeURIComponent(f.policy) + "?subject=" + encodeURIComponent(f.subject)));
      if (r) fill("limit-result", table(["What", "Value"], pairs(r, "").map(([k, v]) => [k, v]), "Rate-limit status"));
    });
    document.getElementById("limit-reset").addEventListener("click", async () => {
      const f = formData(document.getElementById("limit-status"));
      await act("Reset.", () => api("POST", "/admin/api/rate-limits/" + encodeURIComponent(f.policy) + "/reset?subject=" + encodeURIComponent(f.subject)));
    });
  });
})();
