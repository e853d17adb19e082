-- Covering index for the usual report (`--by facility,month`): scanned in group order, it spares
-- the sort of the whole projection and every table lookup.
CREATE INDEX facts_facility_month ON indicator_facts (
    facility, month, answer_delay, counted, automatic, rejected, answered_at,
    engagement_days, ack_days, ack_delay, deadline
);
