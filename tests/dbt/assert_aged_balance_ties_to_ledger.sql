{#- The reconciliation a controller signs off: for every snapshot date and
    customer, the aged balance (sum of every bucket) equals the ledger
    balance as of that date (sum of the amounts of every line posted by
    then), to the cent. The ledger side is computed independently of the
    lettering and ageing models: weekly movements, then a running sum. -#}
with

snapshots as (
    select * from {{ ref('int_calendar__snapshot_dates') }}
),

entries as (
    select * from {{ ref('stg_ledger__entries') }}
),

aged as (
    select * from {{ ref('fct_ar_aged_balance_weekly') }}
),

weekly_movements as (
    select
        snapshots.snapshot_date,
        entries.company_code,
        entries.customer_code,
        sum(entries.amount) as movement
    from entries
    inner join snapshots
        on entries.posting_date between snapshots.period_start_date and snapshots.snapshot_date
    group by snapshots.snapshot_date, entries.company_code, entries.customer_code
),

accounts as (
    select distinct
        company_code,
        customer_code
    from entries
),

ledger_balances as (
    select
        snapshots.snapshot_date,
        accounts.company_code,
        accounts.customer_code,
        sum(coalesce(weekly_movements.movement, 0)) over (
            partition by accounts.company_code, accounts.customer_code
            order by snapshots.snapshot_date
            rows between unbounded preceding and current row
        ) as ledger_balance
    from snapshots
    cross join accounts
    left join weekly_movements
        on
            snapshots.snapshot_date = weekly_movements.snapshot_date
            and accounts.company_code = weekly_movements.company_code
            and accounts.customer_code = weekly_movements.customer_code
)

select
    coalesce(ledger_balances.snapshot_date, aged.snapshot_date) as snapshot_date,
    coalesce(ledger_balances.company_code, aged.company_code) as company_code,
    coalesce(ledger_balances.customer_code, aged.customer_code) as customer_code,
    ledger_balances.ledger_balance,
    aged.balance as aged_balance
from ledger_balances
full outer join aged
    on
        ledger_balances.snapshot_date = aged.snapshot_date
        and ledger_balances.company_code = aged.company_code
        and ledger_balances.customer_code = aged.customer_code
where coalesce(ledger_balances.ledger_balance, 0) <> coalesce(aged.balance, 0)
