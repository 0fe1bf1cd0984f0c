"use strict";
(() => {
  const next = new URLSearchParams(location.search).get("next") === "admin" ? "/admin/" : "/account/";
  async function signIn(email, password) {
    await gh.api("POST", "/account/api/signin", { email, password });
    location.href = next;
  }
  document.getElementById("signin").addEventListener("submit", async ev => {
    ev.preventDefault();
    const f = gh.formData(ev.target);
    await gh.act("Signing in…", () => signIn(f.email, f.password));
  });
  document.getElementById("register").addEventListener("submit", async ev => {
    ev.preventDefault();
    const f = gh.formData(ev.target);
    await gh.act("Account created; signing in…", async () => {
      await gh.api("POST", "/account/api/register", { email: f.email, password: f.password, full_name: f.full_name || null });
      await signIn(f.email, f.password);
    });
  });
})();
