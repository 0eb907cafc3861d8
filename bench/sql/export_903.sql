-- The SSDA903 return for a collection year (1 April to 31 March): every row of
-- header.csv, episodes.csv and reviews.csv, as text in the 903 columns with dd/mm/YYYY
-- dates, in file order. Episodes open at some time in the year (one that ended after
-- 31 March shown open); a header row per child with such an episode; every review
-- held in the year on its record date; children only ever on short breaks (V3, V4)
-- have no reviews and no MOTHER value.
-- Parameters: start (date, 1 April), end (date, 31 March).
WITH eps AS (
    SELECT e.*, c.child_id AS child_code, c.id AS child_pk
    FROM children_episode e
    JOIN children_periodofcare p ON p.id = e.period_id
    JOIN children_child c ON c.id = p.child_id
    WHERE e.started_on <= %(end)s AND (e.ended_on IS NULL OR e.ended_on >= %(start)s)
),
kids AS (
    SELECT child_pk, bool_and(legal_status IN ('V3', 'V4')) AS short_breaks_only
    FROM eps GROUP BY child_pk
)
SELECT * FROM (
    SELECT 1 AS file, c.child_id AS child, '' AS on_date,
           c.sex AS f1, to_char(c.date_of_birth, 'DD/MM/YYYY') AS f2, c.ethnicity AS f3,
           c.upn AS f4,
           CASE WHEN k.short_breaks_only OR c.is_mother IS NULL THEN ''
                WHEN c.is_mother THEN '1' ELSE '0' END AS f5,
           CASE WHEN k.short_breaks_only THEN ''
                ELSE coalesce(to_char(c.mother_child_dob, 'DD/MM/YYYY'), '') END AS f6,
           '' AS f7, '' AS f8, '' AS f9, '' AS f10, '' AS f11, '' AS f12
    FROM kids k JOIN children_child c ON c.id = k.child_pk
    UNION ALL
    SELECT 2, e.child_code, to_char(e.started_on, 'YYYY-MM-DD'),
           to_char(e.started_on, 'DD/MM/YYYY'), e.reason_new, e.legal_status,
           e.category_of_need, e.placement, e.placement_provider,
           CASE WHEN e.ended_on <= %(end)s THEN to_char(e.ended_on, 'DD/MM/YYYY') ELSE '' END,
           CASE WHEN e.ended_on <= %(end)s THEN e.reason_ended ELSE '' END,
           e.reason_place_change, e.home_postcode, e.placement_postcode, e.urn
    FROM eps e
    UNION ALL
    SELECT 3, c.child_id, to_char(r.record_date, 'YYYY-MM-DD'),
           to_char(c.date_of_birth, 'DD/MM/YYYY'), to_char(r.record_date, 'DD/MM/YYYY'),
           r.participation, '', '', '', '', '', '', '', '', ''
    FROM reviews_review r
    JOIN kids k ON k.child_pk = r.child_id AND NOT k.short_breaks_only
    JOIN children_child c ON c.id = r.child_id
    JOIN children_periodofcare p ON p.id = r.period_id AND NOT p.short_breaks
    WHERE r.record_date BETWEEN %(start)s AND %(end)s AND r.status <> 'cancelled'
) rows
ORDER BY file, child, on_date;
