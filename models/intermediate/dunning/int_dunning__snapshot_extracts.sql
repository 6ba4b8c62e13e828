{#- Which dunning extract describes each company on each snapshot date: the
    latest one taken on or before it (DEFINITIONS §5). A company with no
    extract yet has no row, so its documents are not dunned. -#}
with

snapshots as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
),

extracts as (
    select distinct
        company_code,
        extracted_at
    from {{ ref('stg_dunning__document_states') }}
)

select
    snapshots.snapshot_date,
    extracts.company_code,
    max(extracts.extracted_at) as extracted_at
from snapshots
inner join extracts
    on snapshots.snapshot_date >= extracts.extracted_at
group by snapshots.snapshot_date, extracts.company_code
