{#- What the company may claim for late payment as of the as-of date
    (DEFINITIONS §17, docs/definitions/17-late-payment-and-credit-insurance.md):
    one row per invoice document paid late or still overdue — the statutory
    penalty (L441-10) summed over its invoice items and rounded to the cent
    once per document, and the fixed recovery indemnity (D441-5). An invoice
    paid on or before its due date has no claim. -#}
with

items as (
    select * from {{ ref('int_claims__invoice_items') }}
),

customers as (
    select * from {{ ref('int_customers__resolved') }}
),

document_states as (
    select * from {{ ref('int_dunning__document_state_intervals') }}
),

as_of as (
    select * from {{ ref('int_calendar__as_of') }}
),

documents as (
    select
        company_code,
        customer_code,
        document_number,
        max(as_of_date) as as_of_date,
        min(due_date) as due_date,
        min(coalesce(document_date, posting_date)) as document_date,
        -- settled when every invoice item is: on the last one's settlement date
        case when count(settled_on) = count(*) then max(settled_on) end as settled_on,
        count(*) as invoice_item_count,
        sum(amount) as invoice_amount,
        sum(open_amount) as open_amount,
        sum(penalty_days) as penalty_days,
        cast(sum(penalty_basis) as decimal(38, 6)) as penalty_basis,
        max(case when rate_is_carried_forward then 1 else 0 end) = 1 as rate_is_carried_forward,
        max(case when terms_exceed_legal_max then 1 else 0 end) = 1 as terms_exceed_legal_max
    from items
    group by company_code, customer_code, document_number
),

-- lateness runs to the settlement, else to the as-of date
late_until as (
    select
        *,
        coalesce(settled_on, as_of_date) as late_until_date
    from documents
),

with_days_late as (
    select
        *,
        {{ ar_days_between('due_date', 'late_until_date') }}
            as days_late
    from late_until
),

-- paid after the due date, or still open after it; the penalty is rounded
-- to the cent once, on the document's exact sum (basis / 100 / 365)
claims as (
    select
        *,
        {{ ar_round_cents('penalty_basis', 36500) }} as penalty_amount
    from with_days_late
    where days_late >= 1
),

-- the dunning tool's collector of the document in the extract in force on the as-of date
states_as_of as (
    select
        document_states.company_code,
        document_states.customer_code,
        document_states.document_number,
        document_states.collector
    from document_states
    cross join as_of
    where {{ ar_valid_on('document_states', 'as_of.as_of_date') }}
)

select
    cast(claims.company_code as {{ dbt.type_string() }}) as company_code,
    cast(claims.customer_code as {{ dbt.type_string() }}) as customer_code,
    cast(claims.document_number as {{ dbt.type_string() }}) as document_number,
    cast(customers.customer_name as {{ dbt.type_string() }}) as customer_name,
    cast(
        coalesce(states_as_of.collector, customers.collector, {{ ar_unassigned_collector() }})
        as {{ dbt.type_string() }}
    ) as collector,
    cast(claims.document_date as date) as document_date,
    cast(claims.due_date as date) as due_date,
    cast(claims.settled_on as date) as settled_on,
    cast(claims.days_late as integer) as days_late,
    cast(case when claims.settled_on is null then 'overdue' else 'paid_late' end as {{ dbt.type_string() }})
        as claim_status,
    cast(case when claims.settled_on is null then 1 else 2 end as integer) as claim_status_order,
    cast(
        case when claims.settled_on is null then 'Échue impayée' else 'Payée en retard' end
        as {{ dbt.type_string() }}
    ) as claim_status_label_fr,
    cast(case when claims.settled_on is null then 'Overdue' else 'Paid late' end as {{ dbt.type_string() }})
        as claim_status_label_en,
    cast(claims.invoice_item_count as integer) as invoice_item_count,
    cast(claims.invoice_amount as decimal(18, 2)) as invoice_amount,
    cast(claims.open_amount as decimal(18, 2)) as open_amount,
    cast(claims.penalty_days as integer) as penalty_days,
    claims.penalty_amount,
    cast({{ var('recovery_indemnity_amount') }} as decimal(18, 2)) as recovery_indemnity_amount,
    cast(
        claims.penalty_amount + cast({{ var('recovery_indemnity_amount') }} as decimal(18, 2))
        as decimal(18, 2)
    ) as claim_amount,
    cast(claims.terms_exceed_legal_max as boolean) as terms_exceed_legal_max,
    cast(claims.rate_is_carried_forward as boolean) as rate_is_carried_forward,
    cast(claims.as_of_date as date) as as_of_date
from claims
left join customers
    on
        claims.company_code = customers.company_code
        and claims.customer_code = customers.customer_code
left join states_as_of
    on
        claims.company_code = states_as_of.company_code
        and claims.customer_code = states_as_of.customer_code
        and claims.document_number = states_as_of.document_number
