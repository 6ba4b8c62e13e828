{#- Which dunning extract describes each company on each snapshot date: the
    latest one taken on or before it (docs/definitions/05-dunning-state.md), i.e. the extract whose
    period in force contains the snapshot. A company with no extract yet has
    no row, so its documents are not dunned. -#}
with

snapshots as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
),

extracts as (
    select * from {{ ref('int_dunning__extract_intervals') }}
)

select
    snapshots.snapshot_date,
    extracts.company_code,
    extracts.extracted_at
from snapshots
inner join extracts
    on
        snapshots.snapshot_date >= extracts.valid_from
        and (extracts.valid_until is null or snapshots.snapshot_date < extracts.valid_until)
