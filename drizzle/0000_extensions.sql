-- Search across spellings and scripts: unaccent for diacritics, pg_trgm for misspellings.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
-- unaccent() is only STABLE (its dictionary could change); generated columns and indexes need an
-- IMMUTABLE function, so pin the dictionary explicitly.
CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
--> statement-breakpoint
-- All names of a record in one string: every language value, the default name, acronym and alternative names.
CREATE OR REPLACE FUNCTION search_names(names jsonb, name text, acronym text, alt_names text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT concat_ws(' ', name, acronym,
      (SELECT string_agg(value, ' ') FROM jsonb_each_text(coalesce(names, '{}'::jsonb))),
      array_to_string(alt_names, ' '))
  $$;
