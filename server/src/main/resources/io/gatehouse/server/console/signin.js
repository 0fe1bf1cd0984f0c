"use strict";
(() => {
  const next = new URLSearchParams(location.search).get("next") === "admin" ? "/admin/" : "/account/";
  let challenge = null;
  const mfa = document.getElementById("mfa");
  async function signIn(email, password) {
    try {
      await gh.api("POST", "/account/api/signin", { email, password });
    } catch (e) {
      if (e.type !== "mfa-required") throw e;
      // The password was right; the second factor's challenge waits for a code (or a recovery code).
      challenge = e.problem.mfa_challenge;
      document.getElementById("signin").hidden = true;
      mfa.hidden = false;
      document.getElementById("mfa-code").focus();
      gh.say("Enter the code from your authenticator app.");
      return;
    }
    location.href = next;
  }
  mfa.addEventListener("submit", async ev => {
    ev.preventDefault();
    const f = gh.formData(ev.target);
    const code = f.code.replace(/\s/g, "");
    const body = { mfa_challenge: challenge, trust_device: f.trust_device === "on" };
    if (/^[0-9]{6,8}$/.test(code)) body.code = code; else body.recovery_code = code;
    await gh.act("Signing in…", async () => {
      try {
        await gh.api("POST", "/account/api/signin/mfa", body);
      } catch (e) {
        if (e.type === "invalid-mfa-challenge") { mfa.hidden = true; document.getElementById("signin").hidden = false; }
        throw e;
      }
      location.href = next;
    });
  });
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
