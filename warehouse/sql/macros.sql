-- Functions the warehouse's own statements share, defined on every connection (temporary: nothing is
-- written to the catalog, and BI tools that attach the warehouse never need them).
-- A URL's host, lower-cased, without user information or port; '' for a file:// URI or anything else.
CREATE OR REPLACE TEMP MACRO url_host(uri) AS regexp_extract(lower(uri), '^https?://(?:[^@/]*@)?([^/:?#]+)', 1);
-- Whether host is site or one of its subdomains (news.example.com is on example.com).
CREATE OR REPLACE TEMP MACRO on_site(host, site) AS host = site OR host LIKE '%.' || site;
