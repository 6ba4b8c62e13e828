{#- Lettering proposals, rule 3 `fifo` (DEFINITIONS §2), on what the
    reference and amount rules left: credits in (posting date, entry id)
    order against debits in (due date, posting date, entry id) order, like
    the settlement of an unbalanced lettering group. Two queues per customer,
    paired where their positions overlap. -#}
with

remaining as (
    {{ ar_lettering_remaining([
        ref('int_lettering_proposals__reference'),
        ref('int_lettering_proposals__amount'),
    ]) }}
),

queued as (
    select
        company_code,
        customer_code,
        entry_id,
        item_side,
        remaining_size,
        coalesce(sum(remaining_size) over (
            partition by company_code, customer_code, item_side
            order by
                case when item_side = 'debit' then due_date end,
                posting_date,
                {{ ar_bytewise('entry_id') }}
            rows between unbounded preceding and 1 preceding
        ), 0) as queue_start
    from remaining
    where remaining_size > 0
)

select
    debits.company_code,
    debits.customer_code,
    debits.entry_id as debit_entry_id,
    credits.entry_id as credit_entry_id,
    cast(
        least(debits.queue_start + debits.remaining_size, credits.queue_start + credits.remaining_size)
        - greatest(debits.queue_start, credits.queue_start)
        as decimal(18, 2)
    ) as proposed_amount
from queued as debits
inner join queued as credits
    on
        debits.company_code = credits.company_code
        and debits.customer_code = credits.customer_code
        and debits.queue_start < credits.queue_start + credits.remaining_size
        and credits.queue_start < debits.queue_start + debits.remaining_size
where debits.item_side = 'debit' and credits.item_side = 'credit'
