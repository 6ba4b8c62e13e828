{#- Lettering proposals, rule 2 `amount` (DEFINITIONS §2), on what the
    reference rule left: a credit whose remaining amount equals a debit's
    remaining amount exactly; among equal amounts the k-th credit in credit
    order (posting date, entry id) takes the k-th debit in debit order (due
    date, posting date, entry id: the oldest first). -#}
with

remaining as (
    {{ ar_lettering_remaining([ref('int_lettering_proposals__reference')]) }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by company_code, customer_code, item_side, remaining_size
            order by
                case when item_side = 'debit' then due_date end,
                posting_date,
                {{ ar_bytewise('entry_id') }}
        ) as amount_rank
    from remaining
    where remaining_size > 0
)

select
    debits.company_code,
    debits.customer_code,
    debits.entry_id as debit_entry_id,
    credits.entry_id as credit_entry_id,
    cast(debits.remaining_size as decimal(18, 2)) as proposed_amount
from ranked as debits
inner join ranked as credits
    on
        debits.company_code = credits.company_code
        and debits.customer_code = credits.customer_code
        and debits.remaining_size = credits.remaining_size
        and debits.amount_rank = credits.amount_rank
where debits.item_side = 'debit' and credits.item_side = 'credit'
