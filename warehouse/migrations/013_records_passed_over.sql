-- 013_records_passed_over: web archive records a run read that are not documents (requests, revisits,
-- responses other than 200, other media types), counted by reason, so a run over a WARC file says
-- what it passed over besides what it loaded and refused.
ALTER TABLE runs ADD COLUMN IF NOT EXISTS records_passed_over VARCHAR;
