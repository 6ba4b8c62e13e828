{#- When each item is open, and for how much (docs/definitions/02-lettering.md). An item's open
    amount changes at most once after it is posted: on its lettering group's
    effective date it drops to its residual. So each item is one or two
    validity intervals [valid_from, valid_until) instead of one row per day
    or per week. Zero-amount items are never open.

    Incremental (docs/weekly-runs.md): a scheduled run recomputes only the
    items int_weekly__restated_items names (still open when the earliest
    change since the previous build can reach them); an item settled before
    keeps its intervals. -#}
-- depends_on: {{ ref('int_weekly__restated_items') }}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'restated_by': 'items'},
    pre_hook="{{ ar_delete_restated_items() }}"
) }}

with

entries as (
    select entries.*
    from {{ ref('stg_ledger__entries') }} as entries
    where entries.amount <> 0 and {{ ar_restated_items_only('entries') }}
),

settlements as (
    select * from {{ ref('int_lettering__item_settlements') }}
),

items as (
    select
        entries.*,
        settlements.effective_date as lettering_effective_date,
        settlements.residual_amount
    from entries
    left join settlements
        on
            entries.company_code = settlements.company_code
            and entries.entry_id = settlements.entry_id
),

-- fully open from posting until the group takes effect (or for ever)
before_lettering as (
    select
        company_code,
        entry_id,
        posting_date as valid_from,
        lettering_effective_date as valid_until,
        amount as open_amount,
        false as is_after_lettering
    from items
    where lettering_effective_date is null or lettering_effective_date > posting_date
),

-- what the group leaves open, from its effective date on
after_lettering as (
    select
        company_code,
        entry_id,
        lettering_effective_date as valid_from,
        cast(null as date) as valid_until,
        residual_amount as open_amount,
        true as is_after_lettering
    from items
    where lettering_effective_date is not null and residual_amount <> 0
),

intervals as (
    select * from before_lettering
    union all
    select * from after_lettering
)

select
    intervals.company_code,
    intervals.entry_id,
    intervals.valid_from,
    intervals.valid_until,
    cast(intervals.open_amount as decimal(18, 2)) as open_amount,
    intervals.is_after_lettering,
    items.customer_code,
    items.customer_name,
    items.document_number,
    items.document_type,
    items.item_side,
    items.posting_date,
    items.document_date,
    items.due_date,
    cast(items.amount as decimal(18, 2)) as amount,
    items.lettering_code,
    items.lettering_effective_date,
    items.reference
from intervals
inner join items
    on
        intervals.company_code = items.company_code
        and intervals.entry_id = items.entry_id
