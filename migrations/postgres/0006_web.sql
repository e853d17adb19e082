-- Satisfaction survey: at most one answer per inquiry (the link in the reply). No personal data
-- but the optional comment, which purge clears with the rest of the inquiry's personal data.
CREATE TABLE survey_answers (
    inquiry_id BIGINT PRIMARY KEY REFERENCES inquiries (id),
    rating BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT,
    answered_at BIGINT NOT NULL
);
