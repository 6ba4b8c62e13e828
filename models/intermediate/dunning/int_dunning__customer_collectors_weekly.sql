{#- Who chases each customer on each snapshot date, by the dunning tool: the
    collector named on most of the customer's rows in the extract in force
    (ties: the first name in byte order). Customer-level marts use it, then
    the customer master's collector. -#}
with

snapshot_extracts as (
    select * from {{ ref('int_dunning__snapshot_extracts') }}
),

states as (
    select * from {{ ref('stg_dunning__document_states') }}
    where collector is not null
),

counted as (
    select
        snapshot_extracts.snapshot_date,
        states.company_code,
        states.customer_code,
        states.collector,
        count(*) as document_count
    from snapshot_extracts
    inner join states
        on
            snapshot_extracts.company_code = states.company_code
            and snapshot_extracts.extracted_at = states.extracted_at
    group by snapshot_extracts.snapshot_date, states.company_code, states.customer_code, states.collector
),

ranked as (
    select
        *,
        row_number() over (
            partition by snapshot_date, company_code, customer_code
            order by document_count desc, {{ ar_bytewise('collector') }}
        ) as collector_rank
    from counted
)

select
    snapshot_date,
    company_code,
    customer_code,
    collector
from ranked
where collector_rank = 1
