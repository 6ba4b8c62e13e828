{#- Promises to pay and how each one turned out (docs/definitions/10-promises.md).
    A promise is a (document, promised
    date) that the dunning tool showed with status `payment_promised`: the
    first extract that showed it dates it (`promised_on`) and gives its
    collector and amount — an empty amount means "all of it", the open debit
    amount that day. A promise on a document with nothing open that day is
    no promise (left out). The customer can only keep a promise for what was
    still owed, so the target is the smaller of the two.

    A promise is judged on its check date, the promised date plus the grace
    days: what the document's open debit amount lost between `promised_on`
    and then is what was collected. Until the check date has come (it is
    after the as-of date) the promise is pending and `collected_amount` is
    what came in so far.

    Incremental (docs/weekly-runs.md): a scheduled run computes again the
    promises of the documents int_weekly__restated_items names (their open
    debit steps were computed again), the promises made on the dunning rows
    computed again (int_weekly__dunning_row_restarts: a promise is made by
    the first row showing it), and every promise not judged for good: still
    pending when stored (measured before its check date) or with a check
    date from the as-of date on. A judged promise reads only steps and rows
    that stayed. The as-of date itself is the marts' column. -#}
-- depends_on: {{ ref('int_weekly__restated_items') }}
-- depends_on: {{ ref('int_weekly__dunning_row_restarts') }}
-- depends_on: {{ ref('int_weekly__restatement') }}
{{ config(
    materialized=ar_weekly_materialization(),
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ ar_delete_restated_promises() }}"
) }}

with

dunning_rows as (
    select * from {{ ref('int_documents__dunning_rows') }}
),

open_debits as (
    select * from {{ ref('int_documents__open_debit_intervals') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

promise_rows as (
    select
        company_code,
        customer_code,
        document_number,
        promised_date,
        extracted_at,
        collector,
        promised_amount,
        row_number() over (
            partition by company_code, customer_code, document_number, promised_date
            order by extracted_at
        ) as showing_number
    from dunning_rows
    where
        dunning_status = 'payment_promised'
        and promised_date is not null
),

-- the first extract showing the (document, promised date) makes the promise
promises as (
    select
        promise_rows.company_code,
        promise_rows.customer_code,
        promise_rows.document_number,
        promise_rows.promised_date,
        promise_rows.extracted_at as promised_on,
        promise_rows.collector,
        promise_rows.promised_amount as promised_amount_on_row,
        {{ ar_add_days('promise_rows.promised_date', var('promise_grace_days')) }} as check_date,
        as_of.as_of_date
    from promise_rows
    cross join as_of
    where
        promise_rows.showing_number = 1
        and {{ ar_restated_promises_only(
            'promise_rows', 'extracted_at',
            ar_add_days('promise_rows.promised_date', var('promise_grace_days'))
        ) }}
),

at_promise as (
    select
        promises.*,
        case
            when promises.check_date < promises.as_of_date then promises.check_date
            else promises.as_of_date
        end as measured_on,
        coalesce(open_debits.open_debit_amount, 0) as open_at_promise
    from promises
    left join open_debits
        on
            promises.company_code = open_debits.company_code
            and promises.customer_code = open_debits.customer_code
            and promises.document_number = open_debits.document_number
            and {{ ar_valid_on('open_debits', 'promises.promised_on') }}
),

measured as (
    select
        at_promise.*,
        coalesce(at_promise.promised_amount_on_row, at_promise.open_at_promise) as promised_amount,
        coalesce(open_debits.open_debit_amount, 0) as open_at_measure
    from at_promise
    left join open_debits
        on
            at_promise.company_code = open_debits.company_code
            and at_promise.customer_code = open_debits.customer_code
            and at_promise.document_number = open_debits.document_number
            and {{ ar_valid_on('open_debits', 'at_promise.measured_on') }}
    where at_promise.open_at_promise <> 0
),

evaluated as (
    select
        *,
        case
            when promised_amount < open_at_promise then promised_amount
            else open_at_promise
        end as target_amount,
        open_at_promise - open_at_measure as collected_amount
    from measured
)

select
    company_code,
    customer_code,
    document_number,
    promised_date,
    promised_on,
    collector,
    cast(promised_amount as decimal(18, 2)) as promised_amount,
    promised_amount_on_row is null as is_promised_amount_defaulted,
    cast(open_at_promise as decimal(18, 2)) as open_at_promise,
    cast(target_amount as decimal(18, 2)) as target_amount,
    check_date,
    measured_on,
    cast(open_at_measure as decimal(18, 2)) as open_at_measure,
    cast(collected_amount as decimal(18, 2)) as collected_amount,
    -- what counts towards the promise: never more than its target
    cast(
        case when collected_amount < target_amount then collected_amount else target_amount end
        as decimal(18, 2)
    ) as collected_within_target,
    cast(
        case
            when check_date > as_of_date then 'pending'
            when collected_amount <= 0 then 'broken'
            when collected_amount >= target_amount then 'kept'
            else 'partially_kept'
        end as {{ dbt.type_string() }}
    ) as outcome,
    check_date > as_of_date as is_pending
from evaluated
