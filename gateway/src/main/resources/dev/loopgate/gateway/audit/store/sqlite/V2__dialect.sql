-- The dialect a call's client spoke (openai, anthropic); null for admin rows and rows written before.
ALTER TABLE audit_log ADD COLUMN dialect TEXT;
