// The S3 credential and endpoint flags shared by every subcommand that touches storage.
#pragma once

#include "io/storage_options.h"

namespace CLI {
class App;
}

namespace sparkify::cli {

void add_storage_flags(CLI::App* app, io::StorageFlags& flags);

}  // namespace sparkify::cli
