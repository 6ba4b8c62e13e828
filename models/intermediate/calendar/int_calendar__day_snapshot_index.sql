{#- For every calendar day, the first snapshot on or after it: a change that
    happens on that day (a posting, a lettering taking effect, an item
    crossing into an older bucket, a new dunning extract) is first seen by
    that snapshot. Days after the last snapshot have no row: what happens
    then is seen by no snapshot. -#}
with

days as (
    select date_day from {{ ref('int_calendar__days') }}
),

snapshots as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
)

select
    days.date_day,
    min(snapshots.snapshot_index) as snapshot_index,
    min(snapshots.snapshot_date) as snapshot_date
from days
inner join snapshots
    on days.date_day <= snapshots.snapshot_date
group by days.date_day
