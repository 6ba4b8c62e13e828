{#- numerator / divisor rounded to the cent, half away from zero, exactly on
    every engine. `divisor` is a positive whole number (a literal) and `numerator` an
    exact decimal column (a penalty's amount x days x rate; pass a column
    name: the expression is repeated). A plain
    round(numerator / divisor, 2) is not exact everywhere: DuckDB and Spark
    (ar_divide) divide as doubles, where 0.125 may be 0.12499..., and Spark's
    decimal division stops at 6 decimals before rounding again. Here the
    quotient in half-cents is estimated in double (off by at most one), then
    corrected with an exact decimal remainder; the cents become a decimal by
    multiplication (exact), not division. -#}
{% macro ar_round_cents(numerator, divisor) -%}
    {%- set twice = 2 * (divisor | int) -%}
    {%- set scaled = '(abs(' ~ numerator ~ ') * 200 + ' ~ divisor ~ ')' -%}
    {%- set estimate = 'cast(floor(' ~ ar_divide(scaled, twice) ~ ') as bigint)' -%}
    cast(
        cast(
            (case when {{ numerator }} < 0 then -1 else 1 end) * (
                {{ estimate }}
                + case
                    when {{ scaled }}
                        - {{ estimate }} * {{ twice }} < 0
                        then -1
                    when {{ scaled }}
                        - {{ estimate }} * {{ twice }} >= {{ twice }}
                        then 1
                    else 0
                end
            ) as decimal(20, 0)
        ) * 0.01
        as decimal(18, 2)
    )
{%- endmacro %}
