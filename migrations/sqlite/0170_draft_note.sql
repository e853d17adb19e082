-- The note for the agent kept with each draft version (which FAQ entry answered which sentence,
-- assumptions, catalogue notes): a JSON array of lines, NULL when there is none. It quotes the
-- citizen's sentences, so it is personal data: the purge erases it with the draft's text.
ALTER TABLE draft_versions ADD COLUMN note TEXT;
