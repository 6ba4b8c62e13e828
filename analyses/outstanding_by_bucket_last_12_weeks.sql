-- Outstanding by age bucket for the last 12 snapshot dates (stacked bars, buckets in their order).
with

snapshots as (
    select distinct snapshot_date
    from {{ ref('fct_ar_outstanding_weekly') }}
    order by snapshot_date desc
    limit 12
)

select
    outstanding.snapshot_date,
    outstanding.age_bucket_order,
    outstanding.age_bucket,
    outstanding.age_bucket_label_fr,
    outstanding.age_bucket_label_en,
    sum(outstanding.outstanding_amount) as outstanding_amount
from {{ ref('fct_ar_outstanding_weekly') }} as outstanding
inner join snapshots
    on outstanding.snapshot_date = snapshots.snapshot_date
group by
    outstanding.snapshot_date,
    outstanding.age_bucket_order,
    outstanding.age_bucket,
    outstanding.age_bucket_label_fr,
    outstanding.age_bucket_label_en
order by outstanding.snapshot_date, outstanding.age_bucket_order
