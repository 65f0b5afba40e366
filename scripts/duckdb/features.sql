-- The benchmark's per-subscriber CDR features (issue 9), as a SQL engine computes them, written to
-- let DuckDB do one scan and hash aggregates. Every record counts for both parties: its caller
-- (outgoing) and its recipient (incoming). Only the subscribers of subscribers.csv get a row (as
-- in telrisk). Lines that do not parse (a wrong field count, a timestamp that is no time) are
-- skipped. Times are seconds since 1970 (UTC).
--   interactions_in, interactions_out   records received, made
--   calls, texts                        records of each type, both directions
--   active_days                         distinct UTC days with a record
--   contacts                            distinct other parties
--   call_duration_mean, _std            over calls, both directions (population std)
--   percent_nocturnal                   share of records between 19:00 and 07:00 UTC
--   percent_initiated                   interactions_out / all records
--   antennas                            distinct antennas on the subscriber's side (non-empty)
--   entropy_of_contacts                 -sum p ln p over the shares of records with each party
--                                       (= ln N - sum n ln n / N)
--   interevent_time_mean                mean gap between consecutive records in time order
--                                       (= (last - first) / (N - 1)); NULL for a single record
-- ${CDR} and ${SUBSCRIBERS} are replaced by the files' paths.
CREATE TEMP TABLE features AS
WITH raw AS (
    SELECT txn_type, caller_id, recipient_id,
           epoch(try_strptime(timestamp, '%Y-%m-%d %H:%M:%S'))::BIGINT AS t,
           TRY_CAST(duration AS DOUBLE) AS duration, caller_antenna, recipient_antenna
    FROM read_csv('${CDR}', header = true, delim = ',', quote = '', escape = '',
                  ignore_errors = true, auto_detect = false,
                  columns = {'txn_type': 'VARCHAR', 'caller_id': 'VARCHAR',
                             'recipient_id': 'VARCHAR', 'timestamp': 'VARCHAR',
                             'duration': 'VARCHAR', 'caller_antenna': 'VARCHAR',
                             'recipient_antenna': 'VARCHAR', 'international': 'VARCHAR'})),
clean AS (SELECT * FROM raw WHERE t IS NOT NULL),
ev AS (
    SELECT caller_id AS id, recipient_id AS other, 1 AS outgoing, txn_type, t, duration,
           NULLIF(caller_antenna, '') AS antenna FROM clean
    UNION ALL
    SELECT recipient_id, caller_id, 0, txn_type, t, duration, NULLIF(recipient_antenna, '')
    FROM clean),
base AS (
    SELECT id,
           count(*) FILTER (WHERE outgoing = 0) AS interactions_in,
           count(*) FILTER (WHERE outgoing = 1) AS interactions_out,
           count(*) FILTER (WHERE txn_type = 'call') AS calls,
           count(*) FILTER (WHERE txn_type = 'text') AS texts,
           count(DISTINCT t // 86400) AS active_days,
           avg(duration) FILTER (WHERE txn_type = 'call') AS call_duration_mean,
           stddev_pop(duration) FILTER (WHERE txn_type = 'call') AS call_duration_std,
           avg(CASE WHEN t % 86400 >= 19 * 3600 OR t % 86400 < 7 * 3600 THEN 1.0 ELSE 0.0 END)
               AS percent_nocturnal,
           avg(outgoing::DOUBLE) AS percent_initiated,
           count(DISTINCT antenna) AS antennas,
           CASE WHEN count(*) > 1 THEN (max(t) - min(t))::DOUBLE / (count(*) - 1) END
               AS interevent_time_mean
    FROM ev GROUP BY id),
pairs AS (SELECT id, other, count(*)::DOUBLE AS n FROM ev GROUP BY id, other),
contacts AS (
    SELECT id, count(*) AS contacts, ln(sum(n)) - sum(n * ln(n)) / sum(n) AS entropy_of_contacts
    FROM pairs GROUP BY id),
subs AS (
    SELECT DISTINCT subscriber_id AS id
    FROM read_csv('${SUBSCRIBERS}', header = true, delim = ',', quote = '', escape = '',
                  ignore_errors = true, auto_detect = false,
                  columns = {'subscriber_id': 'VARCHAR', 'region': 'VARCHAR',
                             'activation_date': 'VARCHAR', 'plan': 'VARCHAR'}))
SELECT b.id, b.interactions_in, b.interactions_out, b.calls, b.texts, b.active_days, c.contacts,
       b.call_duration_mean, b.call_duration_std, b.percent_nocturnal, b.percent_initiated,
       b.antennas, c.entropy_of_contacts, b.interevent_time_mean
FROM base b JOIN contacts c USING (id) SEMI JOIN subs USING (id);
