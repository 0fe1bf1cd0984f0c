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
  document.getElementById("forgot").addEventListener("submit", async ev => {
    ev.preventDefault();
    const f = gh.formData(ev.target);
    await gh.act("If an account has this address, a reset link is on its way.",
      () => gh.api("POST", "/api/v1/auth/password-reset", { email: f.email }));
  });
  // Mailed links carry their token in the fragment (never sent to a server): #verify-email=... or #password-reset=...
  const mailed = new URLSearchParams(location.hash.slice(1));
  if (mailed.has("verify-email") || mailed.has("password-reset")) {
    history.replaceState(null, "", location.pathname + location.search);
  }
  if (mailed.has("verify-email")) {
    const token = mailed.get("verify-email");
    gh.act("Your email address is verified: sign in.", () => gh.api("POST", "/api/v1/auth/verify-email", { token }));
  }
  if (mailed.has("password-reset")) {
    const token = mailed.get("password-reset");
    const reset = document.getElementById("reset");
    reset.hidden = false;
    gh.say("Choose a new password below.");
    reset.addEventListener("submit", async ev => {
      ev.preventDefault();
      const f = gh.formData(ev.target);
      const done = await gh.act("Password set; every session was signed out. Sign in with the new password.",
        () => gh.api("POST", "/api/v1/auth/password-reset/confirm", { token, new_password: f.new_password }));
      if (done !== null) reset.hidden = true;
    });
  }
})();
