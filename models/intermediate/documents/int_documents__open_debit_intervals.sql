{#- The open debit amount of each document over time (docs/definitions/09-documents.md): a
    document is what the dunning tool follows, (company, customer, document
    number); its open debit amount as of d is the sum of the open amounts as
    of d of its debit items. Credit items (a payment or credit note that
    carries the same number) never reduce it: only lettering does.

    The sum only changes on the dates its items' open amounts change (a
    posting, a lettering group taking effect), so it is a step function:
    one row per step [valid_from, valid_until). Steps start at the first
    debit posting: from then on the document is in the books, and a step
    with amount 0 means it is settled. Before the first step the document
    has no debit in the books (amount 0, not settled). Every model that asks
    "how much of this document was still owed on date d" reads this.

    Incremental (docs/weekly-runs.md): a scheduled run recomputes the steps
    of the documents of the items int_weekly__restated_items names (their
    old document too, when an item moved); every other document's items
    are all settled before the earliest change, so its steps stay. -#}
-- depends_on: {{ ref('int_weekly__restated_items') }}
{%- set document_keys = ['company_code', 'customer_code', 'document_number'] %}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'restated_by': 'documents'},
    pre_hook="{{ ar_delete_restated_items(['company_code', 'customer_code', 'document_number']) }}"
) }}

with

debit_entries as (
    select entries.*
    from {{ ref('stg_ledger__entries') }} as entries
    where entries.amount > 0 and {{ ar_restated_items_only('entries', document_keys) }}
),

debit_intervals as (
    select intervals.*
    from {{ ref('int_ledger__open_item_intervals') }} as intervals
    where intervals.item_side = 'debit' and {{ ar_restated_items_only('intervals', document_keys) }}
),

-- every date the document's open debit amount may change; a debit item
-- lettered on its posting date has no interval but still puts the document
-- in the books
change_dates as (
    select
        company_code,
        customer_code,
        document_number,
        posting_date as change_date
    from debit_entries
    union
    select
        company_code,
        customer_code,
        document_number,
        valid_from as change_date
    from debit_intervals
    union
    select
        company_code,
        customer_code,
        document_number,
        valid_until as change_date
    from debit_intervals
    where valid_until is not null
),

steps as (
    select
        company_code,
        customer_code,
        document_number,
        change_date as valid_from,
        lead(change_date) over (
            partition by company_code, customer_code, document_number
            order by change_date
        ) as valid_until
    from change_dates
),

step_amounts as (
    select
        steps.company_code,
        steps.customer_code,
        steps.document_number,
        steps.valid_from,
        steps.valid_until,
        coalesce(sum(debit_intervals.open_amount), 0) as open_debit_amount
    from steps
    left join debit_intervals
        on
            steps.company_code = debit_intervals.company_code
            and steps.customer_code = debit_intervals.customer_code
            and steps.document_number = debit_intervals.document_number
            and {{ ar_valid_on('debit_intervals', 'steps.valid_from') }}
    group by
        steps.company_code,
        steps.customer_code,
        steps.document_number,
        steps.valid_from,
        steps.valid_until
),

-- consecutive steps with the same amount are one step
with_previous as (
    select
        *,
        lag(open_debit_amount) over (
            partition by company_code, customer_code, document_number
            order by valid_from
        ) as previous_open_debit_amount
    from step_amounts
),

step_starts as (
    select *
    from with_previous
    where previous_open_debit_amount is null or previous_open_debit_amount <> open_debit_amount
)

select
    company_code,
    customer_code,
    document_number,
    valid_from,
    lead(valid_from) over (
        partition by company_code, customer_code, document_number
        order by valid_from
    ) as valid_until,
    cast(open_debit_amount as decimal(18, 2)) as open_debit_amount,
    open_debit_amount = 0 as is_settled
from step_starts
