# Checks that the benchmark wrote valid JSON with every cell and figure:
# cmake -DJSON_FILE=bench.json [-DCONFIGURATIONS="sqlite,postgresql x1"]
#   -P check_json.cmake
# CONFIGURATIONS (default: sqlite) are the configurations the run measured,
# in order, separated by commas; each must have seven workloads at
# concurrency 1, 8 and 32.
file(READ "${JSON_FILE}" json)
if(NOT DEFINED CONFIGURATIONS)
  set(CONFIGURATIONS sqlite)
endif()
string(REPLACE "," ";" CONFIGURATIONS "${CONFIGURATIONS}")
list(LENGTH CONFIGURATIONS expected_configurations)
math(EXPR expected_cells "21 * ${expected_configurations}")
string(JSON cells ERROR_VARIABLE error LENGTH "${json}" cells)
if(error)
  message(FATAL_ERROR "${JSON_FILE}: ${error}")
endif()
if(NOT cells EQUAL expected_cells)
  message(FATAL_ERROR
    "${JSON_FILE}: ${cells} cells, expected ${expected_cells}")
endif()
string(JSON configurations ERROR_VARIABLE error LENGTH "${json}"
  configurations)
if(error OR NOT configurations EQUAL expected_configurations)
  message(FATAL_ERROR "${JSON_FILE}: configurations: ${configurations} "
    "${error}, expected ${expected_configurations}")
endif()
set(i 0)
foreach(expected IN LISTS CONFIGURATIONS)
  string(JSON name GET "${json}" configurations ${i} name)
  if(NOT name STREQUAL expected)
    message(FATAL_ERROR
      "${JSON_FILE}: configuration ${i} is \"${name}\", expected \"${expected}\"")
  endif()
  foreach(field startup_seconds peak_rss_bytes db_bytes_seeded db_bytes_after)
    string(JSON value GET "${json}" configurations ${i} server ${field})
    if(value LESS 0)
      message(FATAL_ERROR "${JSON_FILE}: ${name}: ${field} not measured")
    endif()
  endforeach()
  math(EXPR i "${i} + 1")
endforeach()
math(EXPR last "${cells} - 1")
foreach(i RANGE ${last})
  foreach(field configuration workload concurrency qps p50_ms p99_ms
                ratio_to_baseline)
    string(JSON value ERROR_VARIABLE error GET "${json}" cells ${i} ${field})
    if(error)
      message(FATAL_ERROR "${JSON_FILE}: cell ${i}: ${error}")
    endif()
  endforeach()
  string(JSON calls GET "${json}" cells ${i} calls)
  string(JSON errors GET "${json}" cells ${i} errors)
  string(JSON workload GET "${json}" cells ${i} workload)
  string(JSON configuration GET "${json}" cells ${i} configuration)
  string(JSON ratio GET "${json}" cells ${i} ratio_to_baseline)
  if(calls EQUAL 0)
    message(FATAL_ERROR
      "${JSON_FILE}: ${configuration}: ${workload}: no call succeeded")
  endif()
  if(NOT errors EQUAL 0)
    message(FATAL_ERROR
      "${JSON_FILE}: ${configuration}: ${workload}: ${errors} errors")
  endif()
  if(NOT ratio GREATER 0)
    message(FATAL_ERROR
      "${JSON_FILE}: ${configuration}: ${workload}: no ratio to a baseline")
  endif()
  list(FIND CONFIGURATIONS "${configuration}" known)
  if(known LESS 0)
    message(FATAL_ERROR
      "${JSON_FILE}: cell ${i} of an unknown configuration \"${configuration}\"")
  endif()
endforeach()
foreach(path "server;startup_seconds" "server;peak_rss_bytes"
             "server;db_bytes_seeded" "flatness;ratio" "targets")
  string(JSON value ERROR_VARIABLE error GET "${json}" ${path})
  if(error)
    message(FATAL_ERROR "${JSON_FILE}: ${path}: ${error}")
  endif()
endforeach()
message(STATUS "${JSON_FILE}: ${cells} cells of ${CONFIGURATIONS}, valid")
