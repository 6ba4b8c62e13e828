{#- One row: the ledger's first and last posting dates and the as-of date of
    the build (the `as_of_date` var, else the latest posting date, docs/definitions/04-snapshots.md). -#}
with

entries as (
    select * from {{ ref('stg_ledger__entries') }}
),

bounds as (
    select
        min(posting_date) as first_posting_date,
        max(posting_date) as last_posting_date
    from entries
)

select
    first_posting_date,
    last_posting_date,
    {% if var('as_of_date') -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
    last_posting_date
    {%- endif %} as as_of_date
from bounds
