{#- The items behind each month's collection KPIs (docs/definitions/07-collection-rate.md), one row
    per (month, company, item), from the first posting's month to the as-of
    month (measured as of the as-of date). Two roles:

    - `collection_target`: a debit item due and posted by the month's last
      day. Its base is what was still open the day before the month started
      (or its full amount when posted in the month); items with nothing left
      to collect are left out. It is collected when its lettering group takes
      effect in the month: base - what the group leaves open.
    - `unapplied_payment`: a payment (credit) not yet lettered the day before
      the month started, or posted in the month. Its base is its full
      absolute amount; it counts as lettered when its group takes effect in
      the month.

    An item's open amount only changes on its group's effective date, so an
    item is a row in the months from when it first counts to the month its
    group takes effect (or every month when it stays open), and carries the
    one date its month's figures move (`settled_date`): the daily marts take
    running sums of those events, never items x days.

    Each row is assigned to the collector of the item as of the day before
    the month starts, or as of its posting date when posted in the month:
    the collector on its row in the dunning extract in force that day, else
    the customer master's, else '(none)'.

    Incremental (docs/weekly-runs.md): a scheduled run recomputes every month
    of the items int_weekly__restated_items names (open on the first day of
    the earliest changed date's month, or posted since); an item settled
    before has only earlier months, measured on dates no change reaches. -#}
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
    where {{ ar_restated_items_only('entries') }}
),

settlements as (
    select * from {{ ref('int_lettering__item_settlements') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

days as (
    select * from {{ ref('int_calendar__days') }}
),

document_states as (
    select * from {{ ref('int_dunning__document_state_intervals') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

-- every month from the first posting's month to the as-of month; the
-- current one is measured as of the as-of date
months as (
    select distinct
        days.month_start_date,
        days.month_end_date,
        least(days.month_end_date, as_of.as_of_date) as measured_until_date,
        days.month_end_date >= as_of.as_of_date as is_current_month
    from days
    cross join as_of
    where
        days.month_end_date >= as_of.first_posting_date
        and days.month_start_date <= as_of.as_of_date
),

-- debit items, and payments, in the books as of the as-of date, with what
-- their lettering group leaves open from its effective date on
items as (
    select
        entries.company_code,
        entries.entry_id,
        entries.customer_code,
        entries.document_number,
        entries.document_type,
        entries.item_side,
        entries.posting_date,
        entries.due_date,
        entries.amount,
        settlements.effective_date,
        coalesce(settlements.residual_amount, entries.amount) as residual_amount
    from entries
    cross join as_of
    left join settlements
        on
            entries.company_code = settlements.company_code
            and entries.entry_id = settlements.entry_id
    where
        entries.posting_date <= as_of.as_of_date
        and (
            entries.item_side = 'debit'
            or (entries.item_side = 'credit' and entries.document_type = 'payment')
        )
),

-- the months an item counts in: a debit from the month it is both posted and
-- due until the month its group settles it in full; a payment from its
-- posting month until the month its group takes effect
item_spans as (
    select
        *,
        case when item_side = 'debit' then 'collection_target' else 'unapplied_payment' end as item_role,
        cast({{ dbt.date_trunc(
            'month',
            "case when item_side = 'debit' then greatest(posting_date, due_date) else posting_date end"
        ) }} as date) as first_month_start_date,
        case
            when effective_date is null then null
            when item_side = 'debit' and residual_amount <> 0 then null
            else cast({{ dbt.date_trunc('month', 'effective_date') }} as date)
        end as last_month_start_date
    from items
),

item_months as (
    select
        months.month_start_date,
        months.month_end_date,
        months.measured_until_date,
        months.is_current_month,
        item_spans.*,
        item_spans.posting_date >= months.month_start_date as is_posted_in_month,
        -- the group takes effect within the month, by the day it is measured
        coalesce(
            item_spans.effective_date between months.month_start_date and months.measured_until_date,
            false
        ) as is_settled_in_month,
        -- the collector is looked up as of the day before the month starts,
        -- or as of the posting date for an item posted in the month
        case
            when item_spans.posting_date >= months.month_start_date then item_spans.posting_date
            else {{ ar_add_days('months.month_start_date', -1) }}
        end as collector_as_of_date
    from item_spans
    inner join months
        on
            item_spans.first_month_start_date <= months.month_start_date
            and (
                item_spans.last_month_start_date is null
                or item_spans.last_month_start_date >= months.month_start_date
            )
),

measured as (
    select
        *,
        case
            -- a payment counts with its full absolute amount
            when item_role = 'unapplied_payment' then -amount
            -- open the day before the month: the residual once its group has
            -- taken effect before the month, else the whole amount
            when not is_posted_in_month and effective_date < month_start_date then residual_amount
            else amount
        end as base_amount
    from item_months
),

settled as (
    select
        *,
        case
            when not is_settled_in_month then 0
            when item_role = 'unapplied_payment' then base_amount
            -- collected: base - open amount once the group has taken effect
            else base_amount - residual_amount
        end as settled_amount
    from measured
    where base_amount > 0
),

with_collector as (
    select
        settled.*,
        document_states.collector as dunning_collector,
        customers.collector as master_collector,
        customers.customer_group
    from settled
    -- the document's row in the extract in force that day
    left join document_states
        on
            settled.company_code = document_states.company_code
            and settled.customer_code = document_states.customer_code
            and settled.document_number = document_states.document_number
            and settled.collector_as_of_date >= document_states.valid_from
            and (
                document_states.valid_until is null
                or settled.collector_as_of_date < document_states.valid_until
            )
    left join customers
        on
            settled.company_code = customers.company_code
            and settled.customer_code = customers.customer_code
)

select
    month_start_date,
    month_end_date,
    measured_until_date,
    is_current_month,
    company_code,
    entry_id,
    item_role,
    customer_code,
    coalesce(customer_group, {{ ar_unassigned_customer_group() }}) as customer_group,
    coalesce(dunning_collector, master_collector, {{ ar_unassigned_collector() }}) as collector,
    case
        when dunning_collector is not null then 'dunning_extract'
        when master_collector is not null then 'customer_master'
        else 'none'
    end as collector_source,
    collector_as_of_date,
    document_number,
    document_type,
    posting_date,
    due_date,
    effective_date as lettering_effective_date,
    is_posted_in_month,
    case
        when item_role <> 'collection_target' then null
        when due_date < month_start_date then 'overdue_at_start'
        else 'falling_due_in_month'
    end as due_timing,
    cast(base_amount as decimal(18, 2)) as base_amount,
    cast(settled_amount as decimal(18, 2)) as settled_amount,
    case when is_settled_in_month then effective_date end as settled_date
from with_collector
