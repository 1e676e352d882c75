-- The ten most quoted speakers, with what they talk about and their latest quote.
SELECT speaker, quotes, articles, array_to_string(topics, ', ') AS topics, left(latest_quote, 160) AS latest_quote
FROM quotes_leaderboard
ORDER BY quotes DESC, articles DESC, speaker
LIMIT 10
