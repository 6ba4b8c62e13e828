{#- Lettering proposals, rule 1 `reference` (DEFINITIONS §2): the credit's
    reference contains the debit's document number (case-sensitive). A credit
    spreads over the debits it names in debit order (due date, posting date,
    entry id); a debit named by several credits takes them in credit order
    (posting date, entry id) up to its open amount. What a debit can no longer
    absorb is not moved to the credit's other debits: it goes on to the next
    rules (int_lettering_proposals__amount, __fifo). -#}
with

candidates as (
    select * from {{ ref('int_lettering_proposals__candidates') }}
),

debits as (
    select * from candidates
    where item_side = 'debit'
),

credits as (
    select * from candidates
    where item_side = 'credit'
),

pairs as (
    select
        credits.company_code,
        credits.customer_code,
        debits.entry_id as debit_entry_id,
        credits.entry_id as credit_entry_id,
        debits.open_size as debit_size,
        credits.open_size as credit_size,
        debits.due_date as debit_due_date,
        debits.posting_date as debit_posting_date,
        credits.posting_date as credit_posting_date
    from credits
    inner join debits
        on
            credits.company_code = debits.company_code
            and credits.customer_code = debits.customer_code
            and {{ dbt.position('debits.document_number', 'credits.reference') }} > 0
),

-- each credit first spreads over the debits it names ...
claims as (
    select
        *,
        least(
            debit_size,
            greatest(
                0,
                credit_size - coalesce(sum(debit_size) over (
                    partition by company_code, credit_entry_id
                    order by debit_due_date, debit_posting_date, {{ ar_bytewise('debit_entry_id') }}
                    rows between unbounded preceding and 1 preceding
                ), 0)
            )
        ) as claimed_amount
    from pairs
),

-- ... then each debit takes the claims on it in credit order, up to its size
proposals as (
    select
        company_code,
        customer_code,
        debit_entry_id,
        credit_entry_id,
        least(
            claimed_amount,
            greatest(
                0,
                debit_size - coalesce(sum(claimed_amount) over (
                    partition by company_code, debit_entry_id
                    order by credit_posting_date, {{ ar_bytewise('credit_entry_id') }}
                    rows between unbounded preceding and 1 preceding
                ), 0)
            )
        ) as proposed_amount
    from claims
)

select
    company_code,
    customer_code,
    debit_entry_id,
    credit_entry_id,
    -- two decimals on every engine
    cast(proposed_amount as decimal(18, 2)) as proposed_amount
from proposals
where proposed_amount > 0
