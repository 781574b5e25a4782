-- API tokens may expire: a token past expires_at authenticates as nothing, like a revoked one (HTTP requests and
-- open WebSocket subscriptions alike). NULL: never expires (every token made before this migration).
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
