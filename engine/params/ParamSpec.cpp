#include "params/ParamSpec.h"

namespace foh {

std::string_view unitSymbol(Unit unit) {
    switch (unit) {
        case Unit::Decibel: return "dB";
        case Unit::Hertz: return "Hz";
        case Unit::Millisecond: return "ms";
        case Unit::Second: return "s";
        case Unit::Percent: return "%";
        case Unit::Ratio: return ":1";
        case Unit::Q: return "Q";
        case Unit::Pan: return "L100..R100";
        case Unit::Toggle: return "on/off";
        case Unit::Choice: return "choice";
        case Unit::Channel: return "channel";
    }
    return "";
}

std::string_view curveName(Curve curve) {
    switch (curve) {
        case Curve::Linear: return "linear";
        case Curve::Logarithmic: return "log";
        case Curve::FaderLaw: return "fader";
        case Curve::Toggle: return "toggle";
        case Curve::Choice: return "choice";
    }
    return "";
}

std::string_view groupName(ParamGroup group) {
    switch (group) {
        case ParamGroup::Input: return "input";
        case ParamGroup::Eq: return "eq";
        case ParamGroup::Dynamics: return "dynamics";
        case ParamGroup::Sends: return "sends";
        case ParamGroup::FaderPan: return "fader/pan";
        case ParamGroup::Mute: return "mute";
        case ParamGroup::Routing: return "routing";
    }
    return "";
}

std::optional<ParamGroup> parseGroup(std::string_view name) {
    for (int g = 0; g < kParamGroups; ++g)
        if (groupName(static_cast<ParamGroup>(g)) == name) return static_cast<ParamGroup>(g);
    if (name == "fader" || name == "pan") return ParamGroup::FaderPan;
    if (name == "trim") return ParamGroup::Input;
    return std::nullopt;
}

bool recalledByScenes(bool soloObject, std::string_view key) {
    if (soloObject) return false;
    return !(key == "solo" || key.ends_with("/solo") || key == "deess/listen" || key == "delay/tap" ||
             key == "loud/run" || key == "loud/reset" || key == "source" || key == "rec/arm");
}

bool keptInShow(bool soloObject, std::string_view key) {
    return recalledByScenes(soloObject, key) || (!soloObject && key == "rec/arm");
}

}  // namespace foh
