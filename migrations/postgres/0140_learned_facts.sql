-- Facts learned from agents: proposals (a value an agent typed in place of a marker), the facts an
-- admin confirmed (used by later drafts until their end date) and their history. Values are
-- facility facts (hours, prices…), never a citizen's data; `provenance` (the sentence of the
-- reply around the marker) is cleared by the purge with the inquiry's personal data.
CREATE TABLE fact_proposals (
    id BIGSERIAL PRIMARY KEY,
    facility TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    valid_until TEXT,
    marker TEXT NOT NULL,
    provenance TEXT,
    inquiry_id BIGINT REFERENCES inquiries (id),
    proposed_by TEXT NOT NULL,
    proposed_at BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'confirmed', 'refused')),
    decided_by TEXT,
    decided_at BIGINT
);
CREATE INDEX fact_proposals_open ON fact_proposals (facility, status);

CREATE TABLE learned_facts (
    facility TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    valid_until TEXT,
    confirmed_by TEXT NOT NULL,
    confirmed_at BIGINT NOT NULL,
    proposal_id BIGINT REFERENCES fact_proposals (id),
    PRIMARY KEY (facility, field)
);

CREATE TABLE learned_fact_history (
    id BIGSERIAL PRIMARY KEY,
    facility TEXT NOT NULL,
    field TEXT NOT NULL,
    action TEXT NOT NULL,
    value TEXT,
    previous TEXT,
    valid_until TEXT,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL,
    proposal_id BIGINT
);
