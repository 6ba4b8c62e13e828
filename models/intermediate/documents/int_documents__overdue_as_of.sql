{#- Every document with an open overdue debit amount as of the as-of date
    (docs/definitions/15-collector-worklist.md, 17-late-payment-and-credit-insurance.md): the open amount of
    its debit items past due by
    at least one day, the greatest days past due among them and, for an
    insured customer (insured_limit > 0), the insurer's declaration
    deadline — the earliest of its open overdue items' due date +
    `insurer_declaration_days` — with the days left and the status
    (`ar_insurer_status`). The collector worklist and the insurer watchlist
    both read this model: one rule, one place. -#}
with

intervals as (
    select * from {{ ref('int_ledger__open_item_intervals') }}
    where item_side = 'debit'
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

open_overdue_items as (
    select
        intervals.company_code,
        intervals.customer_code,
        intervals.document_number,
        intervals.due_date,
        intervals.open_amount,
        as_of.as_of_date
    from intervals
    cross join as_of
    where
        {{ ar_valid_on('intervals', 'as_of.as_of_date') }}
        and intervals.open_amount <> 0
        and intervals.due_date < as_of.as_of_date
),

documents as (
    select
        company_code,
        customer_code,
        document_number,
        max(as_of_date) as as_of_date,
        -- the oldest open overdue item has the greatest days past due
        min(due_date) as earliest_due_date,
        sum(open_amount) as open_overdue_amount,
        count(*) as open_overdue_item_count
    from open_overdue_items
    group by company_code, customer_code, document_number
),

with_insurer as (
    select
        documents.*,
        {{ ar_days_between('documents.earliest_due_date', 'documents.as_of_date') }}
            as days_past_due,
        customers.insured_limit,
        coalesce(customers.insured_limit, 0) > 0 as is_insured,
        case
            when coalesce(customers.insured_limit, 0) > 0
                then {{ ar_add_days('documents.earliest_due_date', var('insurer_declaration_days')) }}
        end as insurer_deadline
    from documents
    left join customers
        on
            documents.company_code = customers.company_code
            and documents.customer_code = customers.customer_code
),

with_deadline as (
    select
        *,
        {{ ar_days_between('as_of_date', 'insurer_deadline') }}
            as days_to_deadline
    from with_insurer
)

select
    company_code,
    customer_code,
    document_number,
    as_of_date,
    earliest_due_date,
    cast(days_past_due as integer) as days_past_due,
    cast(open_overdue_amount as decimal(18, 2)) as open_overdue_amount,
    cast(open_overdue_item_count as integer) as open_overdue_item_count,
    insured_limit,
    is_insured,
    insurer_deadline,
    cast(days_to_deadline as integer) as days_to_deadline,
    cast({{ ar_insurer_status('days_to_deadline') }} as {{ dbt.type_string() }}) as insurer_status
from with_deadline
