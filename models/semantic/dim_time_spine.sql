{#- The day spine MetricFlow joins metrics to (docs/bi-tools.md): one row per
    calendar day of dim_calendar, from 1 January of the first posting's year to
    31 December of the year after the as-of date. -#}
with

calendar as (
    select * from {{ ref('dim_calendar') }}
)

select cast(date_day as date) as date_day
from calendar
order by date_day
