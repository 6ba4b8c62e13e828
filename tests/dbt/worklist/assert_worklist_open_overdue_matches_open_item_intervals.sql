{#- The worklist holds exactly the documents with an open overdue debit
    amount as of the as-of date, each with that amount and its greatest days
    past due, recomputed here from the open-item intervals (docs/definitions/15-collector-worklist.md):
    debit items open on the as-of date and due before it. -#}
with

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

open_overdue as (
    select
        intervals.company_code,
        intervals.customer_code,
        intervals.document_number,
        sum(intervals.open_amount) as open_overdue_amount,
        max(
            {{ ar_days_between('intervals.due_date', 'as_of.as_of_date') }}
        ) as days_past_due
    from {{ ref('int_ledger__open_item_intervals') }} as intervals
    cross join as_of
    where
        intervals.amount > 0
        and intervals.valid_from <= as_of.as_of_date
        and (intervals.valid_until is null or intervals.valid_until > as_of.as_of_date)
        -- at least one day past due
        and intervals.due_date < as_of.as_of_date
    group by intervals.company_code, intervals.customer_code, intervals.document_number
    having sum(intervals.open_amount) <> 0
),

worklist as (
    select * from {{ ref('fct_ar_collection_worklist') }}
)

select
    coalesce(worklist.company_code, open_overdue.company_code) as company_code,
    coalesce(worklist.customer_code, open_overdue.customer_code) as customer_code,
    coalesce(worklist.document_number, open_overdue.document_number) as document_number,
    worklist.open_overdue_amount as worklist_amount,
    open_overdue.open_overdue_amount as expected_amount,
    worklist.days_past_due as worklist_days_past_due,
    open_overdue.days_past_due as expected_days_past_due
from worklist
full outer join open_overdue
    on
        worklist.company_code = open_overdue.company_code
        and worklist.customer_code = open_overdue.customer_code
        and worklist.document_number = open_overdue.document_number
where
    worklist.document_number is null
    or open_overdue.document_number is null
    or worklist.open_overdue_amount <> open_overdue.open_overdue_amount
    or worklist.days_past_due <> open_overdue.days_past_due
