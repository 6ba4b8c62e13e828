{#- The landed files and the dialect detected for each. -#}
select
    source_name,
    source_file,
    size_bytes,
    file_modified_at,
    sha256,
    encoding,
    has_bom,
    delimiter,
    decimal_separator,
    header,
    ignored_columns,
    missing_optional_columns,
    parser,
    row_count,
    loaded_at
from {{ source('landing', 'landed_files') }}
