{#- Which credit settles which debit, for how much, from when: the overlap of
    their positions in their group's two FIFO queues. The open amount of any
    item as of any date is its amount less its allocations effective by then. -#}
with

settlements as (
    select * from {{ ref('int_lettering__item_settlements') }}
),

debits as (
    select * from settlements
    where item_side = 'debit'
),

credits as (
    select * from settlements
    where item_side = 'credit'
)

select
    debits.company_code,
    debits.customer_code,
    debits.lettering_code,
    debits.entry_id as debit_entry_id,
    credits.entry_id as credit_entry_id,
    cast(
        least(debits.queue_end, credits.queue_end) - greatest(debits.queue_start, credits.queue_start)
        as decimal(18, 2)
    ) as allocated_amount,
    debits.effective_date
from debits
inner join credits
    on
        debits.company_code = credits.company_code
        and debits.customer_code = credits.customer_code
        and debits.lettering_code = credits.lettering_code
        and debits.queue_start < credits.queue_end
        and debits.queue_end > credits.queue_start
