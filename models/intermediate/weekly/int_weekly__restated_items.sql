{#- The ledger items this build recomputes in the incremental intermediate
    chain (docs/weekly-runs.md): one row per (company, entry, customer,
    document) whose rows the item-grain models (open-item intervals, state
    runs, monthly collection items) and the document-grain ones (open debit
    amounts) delete and compute again; every other item keeps the rows the
    previous build left.

    The accounting behind it: an item's rows change only through its own
    lines, its lettering group, its document's dunning state and the
    snapshot spine, and every change since the previous build reaches back
    no further than int_weekly__restatement's date (the earliest posting,
    lettering effective date or extract date that changed). An item fully
    settled before that date (its group took effect earlier and left it
    nothing open) therefore has exactly the rows it had: only the items
    still open on `item_restate_from_date` (the first day of that date's
    month, for the monthly items) or posted since are recomputed. Next to
    them, the items of the previous build that are gone or moved to another
    customer or document (a re-delivered file), found in the previous
    build's open-item intervals, so that their old document is recomputed
    too. Everything on a full restatement; nothing when nothing changed. -#}
-- depends_on: {{ ref('int_weekly__restatement') }}
{{ config(materialized='table') }}
{%- set previous = adapter.get_relation(
        database=this.database, schema=this.schema, identifier='int_ledger__open_item_intervals') %}

with

restatement as (
    select * from {{ ref('int_weekly__restatement') }}
),

entries as (
    select * from {{ ref('stg_ledger__entries') }}
),

settlements as (
    select * from {{ ref('int_lettering__item_settlements') }}
),

-- open on the restatement date or later: never lettered, lettered from that
-- date on, or left with a residual by its group
current_items as (
    select
        entries.company_code,
        entries.entry_id,
        entries.customer_code,
        entries.document_number
    from entries
    cross join restatement
    left join settlements
        on
            entries.company_code = settlements.company_code
            and entries.entry_id = settlements.entry_id
    where
        restatement.item_restate_from_date is not null
        and (
            settlements.entry_id is null
            or settlements.residual_amount <> 0
            or settlements.effective_date >= restatement.item_restate_from_date
        )
)

{%- if previous is not none and not flags.FULL_REFRESH %}

-- the previous build's items that are no longer in the books under the same
-- customer and document
, previous_items as (
    select distinct
        previous.company_code,
        previous.entry_id,
        previous.customer_code,
        previous.document_number
    from {{ previous }} as previous
    cross join restatement
    where
        restatement.item_restate_from_date is not null
        and not exists (
            select 1
            from entries
            where
                entries.company_code = previous.company_code
                and entries.entry_id = previous.entry_id
                and entries.customer_code = previous.customer_code
                and entries.document_number = previous.document_number
        )
)

select * from current_items
union
select * from previous_items
{%- else %}

select distinct * from current_items
{%- endif %}
