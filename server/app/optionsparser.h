#pragma once

#include "serveroptions.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace bh::app {

// Command line + environment -> ServerOptions (QCommandLineParser). Every bad value gives
// one readable line naming the flag and its variable.
class OptionsParser
{
public:
    enum class Outcome {
        Run, // options valid: start the server
        Exit, // --help / --version: print `text`, exit 0
        Invalid, // bad option: `error` is one line, exit 2
    };

    struct Result
    {
        ServerOptions options;
        Outcome outcome = Outcome::Run;
        QString error; // one line (Invalid)
        QString text; // help / version text (Exit)
    };

    static Result parse(const QStringList &arguments, const QProcessEnvironment &environment);
};

} // namespace bh::app
