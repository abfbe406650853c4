-- Schema and seed data shared by the api and reports services.
CREATE TABLE IF NOT EXISTS items (
  id SERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO items (name) VALUES ('first item'), ('second item')
ON CONFLICT (name) DO NOTHING;
