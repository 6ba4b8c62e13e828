{#- The two weekly views of the same receivables agree: summed over buckets,
    statuses and causes, the outstanding mart gives each customer's aged
    balance, bucket by bucket. -#}
{%- set buckets = ar_age_buckets() %}
with

outstanding as (
    select
        snapshot_date,
        company_code,
        customer_code,
        age_bucket,
        sum(outstanding_amount) as amount
    from {{ ref('fct_ar_outstanding_weekly') }}
    group by snapshot_date, company_code, customer_code, age_bucket
),

aged as (
    {%- for b in buckets %}
    select
        snapshot_date,
        company_code,
        customer_code,
        '{{ b.code }}' as age_bucket,
        {{ b.code }} as amount
    from {{ ref('fct_ar_aged_balance_weekly') }}
    where {{ b.code }} <> 0
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)

select
    coalesce(outstanding.snapshot_date, aged.snapshot_date) as snapshot_date,
    coalesce(outstanding.customer_code, aged.customer_code) as customer_code,
    coalesce(outstanding.age_bucket, aged.age_bucket) as age_bucket,
    outstanding.amount as outstanding_amount,
    aged.amount as aged_amount
from outstanding
full outer join aged
    on
        outstanding.snapshot_date = aged.snapshot_date
        and outstanding.company_code = aged.company_code
        and outstanding.customer_code = aged.customer_code
        and outstanding.age_bucket = aged.age_bucket
where coalesce(outstanding.amount, 0) <> coalesce(aged.amount, 0)
