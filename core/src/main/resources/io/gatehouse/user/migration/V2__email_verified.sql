-- When the user proved they receive mail at their address (email verification, docs/ACCOUNTS.md); NULL
-- while unverified. Users registered before this migration stay unverified: with
-- gatehouse.users.require-verified-email on they verify (or ask for a new link) before they can log in.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP WITH TIME ZONE;
