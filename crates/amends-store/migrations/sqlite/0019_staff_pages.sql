-- A template saved over the coach's findings keeps what the coach held and the
-- manager's reason, shown beside it in the editor.
ALTER TABLE message_templates ADD COLUMN coach_held TEXT;
ALTER TABLE message_templates ADD COLUMN coach_override TEXT;

-- Staff invited by mail. The invited user has no password (an empty hash, which never
-- matches) until they choose one through the link. The link is the invitation's
-- message's: its token is made when the message is sent and only its hash is kept
-- (link_tokens, by outbox id), so no kept copy opens it. A resend makes a new message
-- and a new invitation and revokes the earlier ones.
CREATE TABLE staff_invitations (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    outbox_id INTEGER NOT NULL REFERENCES outbox(id),
    invited_by INTEGER REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX staff_invitations_user ON staff_invitations(user_id);
CREATE INDEX staff_invitations_outbox ON staff_invitations(outbox_id);
