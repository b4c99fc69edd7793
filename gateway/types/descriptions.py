"""What every field of the schema means, for GraphiQL's docs and every client's tooling.

The gateway's own additions (connections, ``*Seconds``, arguments, orderings, ``Node``,
``upstreamStatus``) are described in the code that makes them.  The fields that
mirror LL2's (and the filters that mirror its query parameters) are described here,
in one place, because LL2 does not describe them: its 2.3.0 OpenAPI document has a
description for 14 of its 1,632 serializer fields (units, ISO codes), which are
quoted below where they apply.

:func:`describe` runs once per schema, when it is built: every field the code left
undescribed gets, in order, its type's own entry in :data:`FIELDS`, else the entry of
its name in :data:`COMMON` (:data:`COMMON_INPUT` for filter fields), with ``{noun}``
standing for what the type is (:data:`NOUNS`, else its name in words).  Filter fields
then name the LL2 parameter they set.  ``tests/test_descriptions.py`` fails when any
type, field, argument or enum value of the schema has no description, and when an
entry here describes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from graphql import (
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)

from gateway.types.arguments import DateTimeBounds, DateTimeRange, FilterInput, IntRange

__all__ = ["COMMON", "COMMON_INPUT", "FIELDS", "NOUNS", "describe", "noun"]

#: What a type is, in the descriptions' words, where its name does not say it well.
NOUNS: Final[Mapping[str, str]] = {
    "SpacecraftConfig": "configuration",
    "SpacecraftFamily": "family",
    "SpacecraftFlight": "flight",
    "SpaceStation": "station",
    "LauncherConfig": "launcher configuration",
    "LauncherConfigFamily": "launcher family",
    "VidUrl": "video",
    "InfoUrl": "page",
    "UrlType": "link type",
    "CrewMember": "crew seat",
    "LaunchUpdate": "update",
    "NetPrecision": "precision",
    "ImageVariant": "variant",
    "ImageVariantType": "variant type",
    "ImageLicense": "licence",
    "SocialMediaLink": "profile link",
    "SocialMedia": "social network",
    "Rocket": "rocket",
}

#: Field name -> description, for every object type without its own entry.
COMMON: Final[Mapping[str, str]] = {
    "id": "LL2's id of this {noun}.",
    "url": "The LL2 API URL of this {noun}.",
    "name": "The {noun}'s name.",
    "abbrev": "The {noun}'s abbreviation.",
    "description": "A description of the {noun}.",
    "image": "An image of the {noun}.",
    "type": "The kind of {noun}.",
    "country": "The {noun}'s country.",
    "active": "Whether the {noun} is in use.",
    "wikiUrl": "The {noun}'s Wikipedia page (a URL).",
    "wikiLink": "The {noun}'s Wikipedia page (a URL).",
    "infoUrl": "The {noun}'s official page (a URL).",
    "infoLink": "The {noun}'s official page (a URL).",
    "mapImage": "A map of the {noun} (an image URL).",
    "latitude": "Latitude, in degrees.",
    "longitude": "Longitude, in degrees.",
    "program": "The programs the {noun} belongs to.",
    "missionPatches": "The {noun}'s mission patches.",
    "infoUrls": "Pages about the {noun}.",
    "vidUrls": "Videos about the {noun}.",
    "socialMediaLinks": "The {noun}'s profiles on social networks.",
    "maidenFlight": "The date of the {noun}'s first flight.",
    "start": "When the {noun} began.",
    "end": "When the {noun} ended (null while it goes on).",
    "duration": "How long the {noun} lasted (ISO 8601); `durationSeconds` in seconds.",
    "fastestTurnaround": "The shortest time between two flights of the {noun} (ISO 8601); "
    "`fastestTurnaroundSeconds` in seconds.",
    "spacecraftFlown": "How many spacecraft of this {noun} have flown.",
    "featureImage": "An image illustrating the {noun} (a URL).",
    "source": "The site the {noun} is on.",
    "title": "The {noun}'s title.",
    "language": "The {noun}'s language.",
    "manufacturer": "The agency that builds the {noun}.",
}

#: Field name -> description, for every filter input without its own entry.
COMMON_INPUT: Final[Mapping[str, str]] = {
    "id": "Only the one with this LL2 id.",
    "name": "Only those with exactly this name.",
    "nameContains": "Only those whose name contains this text.",
}

#: Type -> field -> description, where the common one does not fit or there is none.
FIELDS: Final[Mapping[str, Mapping[str, str]]] = {
    # -- spacecraft ------------------------------------------------------------------
    "Spacecraft": {
        "name": "The spacecraft's name (Crew Dragon Endeavour, Tianzhou-8...).",
        "serialNumber": "The serial number (C206, 8...).",
        "isPlaceholder": "Whether LL2 holds this spacecraft for one not yet known by name.",
        "inSpace": "Whether the spacecraft is in space now.",
        "timeInSpace": "Time spent in space, all flights together (ISO 8601); "
        "`timeInSpaceSeconds` in seconds.",
        "timeDocked": "Time spent docked, all flights together (ISO 8601); "
        "`timeDockedSeconds` in seconds.",
        "flightsCount": "How many flights the spacecraft has made.",
        "missionEndsCount": "How many of the spacecraft's missions have ended.",
        "status": "Active, Retired, Destroyed, Single Use...",
        "spacecraftConfig": "The configuration the spacecraft is built to.",
    },
    "SpacecraftConfig": {
        "name": "The configuration's name (Crew Dragon 2, Soyuz MS...).",
        "type": "Capsule, Spaceplane, Cargo Resupply...",
        "agency": "The agency that builds spacecraft of this configuration.",
        "family": "The families it belongs to, broadest first (Dragon, then Dragon 2).",
        "inUse": "Whether spacecraft of this configuration still fly.",
        "capability": "What it is for (Cargo and Human Transportation to Lunar Orbit...).",
        "history": "The configuration's history.",
        "details": "More about the configuration.",
        "humanRated": "Whether it is rated to carry people.",
        "crewCapacity": "How many people it carries.",
        "flightLife": "How long one can stay in flight, as LL2 words it (200 Days...).",
        "totalLaunchCount": "How many launches carried a spacecraft of this configuration.",
        "successfulLaunches": "How many of those launches succeeded.",
        "failedLaunches": "How many of those launches failed.",
        "attemptedLandings": "How many landings its spacecraft attempted.",
        "successfulLandings": "How many landings of its spacecraft succeeded.",
        "failedLandings": "How many landings of its spacecraft failed.",
    },
    "SpacecraftFamily": {
        "name": "The family's name (Dragon, Soyuz...).",
        "parent": "The family this one is part of (Dragon for Dragon 2).",
        "maidenFlight": "The date of the family's first flight.",
        "totalLaunchCount": "How many launches carried a spacecraft of this family.",
        "successfulLaunches": "How many of those launches succeeded.",
        "failedLaunches": "How many of those launches failed.",
        "attemptedLandings": "How many landings its spacecraft attempted.",
        "successfulLandings": "How many landings of its spacecraft succeeded.",
        "failedLandings": "How many landings of its spacecraft failed.",
    },
    "SpacecraftFlight": {
        "destination": "Where the flight went (International Space Station, Tiangong Space "
        "Station...), as LL2 words it.",
        "missionEnd": "When the mission ended (null while it goes on).",
        "spacecraft": "The spacecraft that flew.",
        "launch": "The launch that carried it.",
        "landing": "How it came back.",
        "duration": "How long the flight lasted, or has lasted so far (ISO 8601); "
        "`durationSeconds` in seconds.",
        "turnAroundTime": "Time since the spacecraft's previous flight (ISO 8601); "
        "`turnAroundTimeSeconds` in seconds.",
        "launchCrew": "Who launched aboard.",
        "onboardCrew": "Who came aboard in flight (from a station, say).",
        "landingCrew": "Who came back aboard.",
        "dockingEvents": "The flight's dockings.",
    },
    "SpacecraftStatus": {"name": "Active, Retired, Destroyed, Single Use..."},
    "SpacecraftConfigType": {"name": "Capsule, Spaceplane, Cargo Resupply..."},
    # -- agencies --------------------------------------------------------------------
    "Agency": {
        "name": "The agency's name (National Aeronautics and Space Administration...).",
        "abbrev": "The agency's abbreviation (NASA, ESA, SpX...).",
        "type": "Government, Commercial, Multinational...",
        "featured": "Whether LL2 features the agency among the major ones.",
        "country": "The agency's countries (several for a multinational one).",
        "administrator": "Who leads the agency, with the title.",
        "foundingYear": "The year the agency was founded.",
        "logo": "The agency's logo.",
        "socialLogo": "The agency's logo for social media.",
        "totalLaunchCount": "How many launches the agency has made as launch service provider.",
        "consecutiveSuccessfulLaunches": "Its successful launches in a row, up to the latest.",
        "successfulLaunches": "How many of its launches succeeded.",
        "failedLaunches": "How many of its launches failed.",
        "pendingLaunches": "How many of its launches are planned.",
        "consecutiveSuccessfulLandings": "Its successful booster landings in a row, up to "
        "the latest.",
        "successfulLandings": "How many landings of its launchers' boosters succeeded.",
        "failedLandings": "How many landings of its launchers' boosters failed.",
        "attemptedLandings": "How many landings of its launchers' boosters were attempted.",
        "successfulLandingsSpacecraft": "How many landings of its spacecraft succeeded.",
        "failedLandingsSpacecraft": "How many landings of its spacecraft failed.",
        "attemptedLandingsSpacecraft": "How many landings of its spacecraft were attempted.",
        "successfulLandingsPayload": "How many landings of payloads it launched succeeded.",
        "failedLandingsPayload": "How many landings of payloads it launched failed.",
        "attemptedLandingsPayload": "How many landings of payloads it launched were attempted.",
        "infoUrl": "The agency's website.",
        "spacecraftList": "The spacecraft configurations the agency builds, all at once "
        "(`spacecraftConfigs` pages them).",
    },
    "AgencyType": {"name": "Government, Commercial, Multinational..."},
    # -- astronauts ------------------------------------------------------------------
    "Astronaut": {
        "name": "The astronaut's name.",
        "status": "Active, Retired, Deceased...",
        "agency": "The agency the astronaut flies for.",
        "type": "Government, Private, Non-Human...",
        "inSpace": "Whether the astronaut is in space now.",
        "timeInSpace": "Time spent in space, all flights together (ISO 8601); "
        "`timeInSpaceSeconds` in seconds.",
        "evaTime": "Time spent on spacewalks, all together (ISO 8601); `evaTimeSeconds` in "
        "seconds.",
        "age": "The astronaut's age in years.",
        "dateOfBirth": "The astronaut's date of birth.",
        "dateOfDeath": "The astronaut's date of death (null if alive).",
        "nationality": "The countries of the astronaut's nationality.",
        "bio": "A short biography.",
        "wiki": "The astronaut's Wikipedia page (a URL).",
        "lastFlight": "When the astronaut last launched.",
        "firstFlight": "When the astronaut first launched.",
        "flightsCount": "How many flights the astronaut has launched on.",
        "landingsCount": "How many times the astronaut has come back from space.",
        "spacewalksCount": "How many spacewalks the astronaut has made.",
        "spacewalks": "The astronaut's spacewalks.",
    },
    "AstronautStatus": {"name": "Active, Retired, Deceased..."},
    "AstronautType": {"name": "Government, Private, Non-Human..."},
    "AstronautRole": {
        "role": "The role: Commander, Pilot, Mission Specialist...",
        "priority": "Its rank in a crew: lower ranks first.",
    },
    "CrewMember": {
        "role": "The role this crew member fills.",
        "astronaut": "Who fills the seat.",
    },
    "Spacewalk": {
        "name": "The spacewalk's name (US EVA 90...).",
        "start": "When the spacewalk began.",
        "end": "When the spacewalk ended.",
        "location": "Where it started from (a station or a spacecraft), as LL2 words it.",
        "crew": "Who went out.",
    },
    # -- launches --------------------------------------------------------------------
    "Launch": {
        "name": "The launch's name: rocket and mission (Falcon 9 Block 5 | Crew-9...).",
        "slug": "The launch's name as a URL path segment.",
        "launchDesignator": "The international designator (COSPAR: 2024-123).",
        "status": "Go, TBD, Success, Failure...",
        "lastUpdated": "When LL2 last changed the launch.",
        "netPrecision": "How precise `net` is (to the second, hour, day, month...).",
        "windowStart": "When the launch window opens.",
        "windowEnd": "When the launch window closes.",
        "infographic": "An infographic of the launch (an image URL).",
        "probability": "The chance of launch weather, in percent (null without a forecast).",
        "weatherConcerns": "What the weather forecast is worried about.",
        "failreason": "Why the launch failed, if it did.",
        "hashtag": "The launch's hashtag.",
        "launchServiceProvider": "The agency that launches it.",
        "rocket": "The rocket: its launcher configuration.",
        "mission": "What the launch is for.",
        "pad": "The pad it launches from.",
        "webcastLive": "Whether a webcast of the launch is live now.",
        "orbitalLaunchAttemptCount": "Which orbital launch attempt this is, of all time.",
        "locationLaunchAttemptCount": "Which launch attempt from its location this is.",
        "padLaunchAttemptCount": "Which launch attempt from its pad this is.",
        "agencyLaunchAttemptCount": "Which launch attempt of its launch service provider this is.",
        "orbitalLaunchAttemptCountYear": "Which orbital launch attempt of its year this is.",
        "locationLaunchAttemptCountYear": "Which launch attempt from its location this is, "
        "in its year.",
        "padLaunchAttemptCountYear": "Which launch attempt from its pad this is, in its year.",
        "agencyLaunchAttemptCountYear": "Which launch attempt of its launch service provider "
        "this is, in its year.",
        "flightclubUrl": "The launch's trajectory on Flight Club (a URL).",
        "padTurnaround": "Time since the previous launch from the same pad (ISO 8601).",
        "timeline": "The launch's events, relative to lift-off.",
        "updates": "News updates about the launch.",
    },
    "LaunchStatus": {
        "name": "Go for Launch, To Be Determined, Launch Successful...",
        "abbrev": "Go, TBD, Success, Failure...",
        "description": "What the status means.",
    },
    "NetPrecision": {
        "name": "Second, Minute, Hour, Day, Month...",
        "abbrev": "SEC, MIN, HR, DAY, M...",
        "description": "What the precision means.",
    },
    "LauncherConfig": {
        "name": "The launcher configuration's name (Falcon 9...).",
        "families": "The launcher families it belongs to.",
        "fullName": "The full name (Falcon 9 Block 5).",
        "variant": "The variant (Block 5).",
    },
    "LauncherConfigFamily": {"name": "The launcher family's name (Falcon, Long March...)."},
    "Rocket": {
        "id": "LL2's id of this rocket (one per launch).",
        "configuration": "The launcher configuration flown.",
    },
    "Mission": {
        "name": "The mission's name.",
        "type": "What kind of mission: Resupply, Human Exploration, Tourism...",
        "orbit": "The orbit the mission aims for.",
        "agencies": "The agencies the mission is for.",
    },
    "Orbit": {
        "name": "The orbit's name (Low Earth Orbit, Sun-Synchronous Orbit...).",
        "abbrev": "The orbit's abbreviation (LEO, SSO...).",
        "celestialBody": "The celestial body orbited.",
    },
    "CelestialBody": {
        "name": "The celestial body's name (Earth, Moon, Mars...).",
        "type": "Planet, Moon, Star...",
        "diameter": "Diameter, in metres (LL2: m).",
        "mass": "Mass, in kilograms (LL2: kg).",
        "gravity": "Surface gravity, in metres per second squared (LL2: m/s^2).",
        "lengthOfDay": "The length of its day, as LL2 sends it.",
        "atmosphere": "Whether it has an atmosphere.",
        "totalAttemptedLaunches": "How many launches from it were attempted.",
        "successfulLaunches": "How many launches from it succeeded.",
        "failedLaunches": "How many launches from it failed.",
        "totalAttemptedLandings": "How many landings on it were attempted.",
        "successfulLandings": "How many landings on it succeeded.",
        "failedLandings": "How many landings on it failed.",
    },
    "CelestialBodyType": {"name": "Planet, Moon, Star..."},
    "Location": {
        "name": "The launch site's name (Cape Canaveral SFS, FL, USA...).",
        "celestialBody": "The celestial body the site is on.",
        "active": "Whether the site is in use.",
        "timezoneName": "The site's time zone (IANA: America/New_York...).",
        "totalLaunchCount": "How many launches the site has seen.",
        "totalLandingCount": "How many landings the site has seen.",
    },
    "Pad": {
        "name": "The pad's name (Space Launch Complex 40...).",
        "agencies": "The agencies that operate the pad.",
        "mapUrl": "The pad on a map (a URL).",
        "country": "The pad's country.",
        "totalLaunchCount": "How many launches the pad has seen.",
        "orbitalLaunchAttemptCount": "How many orbital launch attempts the pad has seen.",
        "fastestTurnaround": "The shortest time between two launches from the pad (ISO 8601).",
        "location": "The launch site the pad is at.",
    },
    "Program": {
        "name": "The program's name (International Space Station, Artemis...).",
        "agencies": "The agencies that run the program.",
        "startDate": "When the program began.",
        "endDate": "When the program ended (null while it goes on).",
        "missionPatches": "The program's patches.",
    },
    "MissionPatch": {
        "name": "The patch's name.",
        "priority": "Its rank among a mission's patches: lower comes first.",
        "imageUrl": "The patch (an image URL).",
        "agency": "The agency the patch is from.",
    },
    "TimelineEvent": {
        "type": "What happens (MECO, stage separation...).",
        "relativeTime": "When, relative to lift-off (ISO 8601; negative before it).",
    },
    "TimelineEventType": {
        "abbrev": "The event's abbreviation (MECO, SECO...).",
        "description": "What the event is.",
    },
    "LaunchUpdate": {
        "profileImage": "The author's picture (an image URL).",
        "comment": "The update's text.",
        "infoUrl": "A page with more (a URL).",
        "createdBy": "Who wrote the update.",
        "createdOn": "When the update was posted.",
    },
    "InfoUrl": {
        "priority": "Its rank among the pages: lower comes first.",
        "url": "The page (a URL).",
        "type": "What kind of page (Official Page, Wiki...).",
    },
    "VidUrl": {
        "priority": "Its rank among the videos: lower comes first.",
        "source": "The site the video is on (youtube.com...).",
        "publisher": "Who publishes the video.",
        "url": "The video (a URL).",
        "type": "What kind of video (Official Webcast, Onboard...).",
        "startTime": "When the stream starts.",
        "endTime": "When the stream ends.",
        "live": "Whether the stream is live now.",
    },
    "UrlType": {"name": "Official Webcast, Wiki, Official Page..."},
    "Language": {
        "name": "The language's name (English...).",
        "code": "ISO 639-1 (two-letter) code (LL2).",
    },
    # -- landings --------------------------------------------------------------------
    "Landing": {
        "attempt": "Whether a landing is (or was) attempted at all: false when the craft is "
        "left to burn up.",
        "success": "Whether the landing succeeded (null until known).",
        "description": "What happens (or happened) at the landing.",
        "landingLocation": "Where it lands.",
        "type": "How it lands (parachutes, propulsive, runway, burn-up...).",
    },
    "LandingType": {
        "name": "Parachute Landing, Propulsive Landing, Atmospheric Burn-up...",
        "abbrev": "PCL, PL, ATM...",
        "description": "How a landing of this type goes.",
    },
    "LandingLocation": {
        "name": "The landing zone's name (Pacific Ocean, Landing Zone 1...).",
        "active": "Whether the zone is in use.",
        "location": "The launch site the zone belongs to, if any.",
        "successfulLandings": "How many landings in the zone succeeded.",
        "attemptedLandings": "How many landings in the zone were attempted.",
        "failedLandings": "How many landings in the zone failed.",
        "celestialBody": "The celestial body the zone is on.",
    },
    # -- stations --------------------------------------------------------------------
    "SpaceStation": {
        "name": "The station's name (International Space Station, Tiangong...).",
        "status": "Active, De-Orbited, Under construction...",
        "founded": "When the station's first module was launched.",
        "deorbited": "When the station was deorbited (null while in orbit).",
        "orbit": "The station's orbit (Low Earth Orbit...), as LL2 words it.",
        "type": "Government, Commercial, Research...",
        "owners": "The agencies that own the station.",
        "activeExpeditions": "The expeditions aboard now.",
        "onboardCrew": "How many people are aboard now.",
        "dockedVehicles": "How many vehicles are docked now.",
        "dockingLocation": "The station's docking ports, with what is docked at each.",
        "activeDockingEvents": "The dockings going on: the vehicles docked now.",
    },
    "SpaceStationStatus": {"name": "Active, De-Orbited, Under construction..."},
    "SpaceStationType": {"name": "Government, Commercial, Research..."},
    "Expedition": {
        "name": "The expedition's name (Expedition 72...).",
        "start": "When the expedition began.",
        "end": "When the expedition ended (null while it goes on).",
    },
    "DockingLocation": {
        "name": "The port's name (Harmony forward, Tianhe aft...).",
        "spacestation": "The station the port is on, when on a station.",
        "spacecraft": "The spacecraft configuration the port is on, when on a spacecraft.",
        "payload": "The payload the port is on, when on a payload.",
    },
    "DockingEvent": {
        "docking": "When the chaser docked.",
        "departure": "When the chaser undocked (null while docked).",
        "dockingLocation": "The port it docked at.",
        "flightVehicleChaser": "The chaser, when it is a spacecraft flight.",
        "spaceStationChaser": "The chaser, when it is a station.",
        "payloadFlightChaser": "The chaser, when it is a payload flight.",
        "flightVehicleTarget": "The target, when it is a spacecraft flight.",
        "spaceStationTarget": "The target, when it is a station.",
        "payloadFlightTarget": "The target, when it is a payload flight.",
    },
    "Payload": {
        "name": "The payload's name.",
        "type": "What kind of payload.",
        "operator": "The agency that operates the payload.",
        "program": "The programs the payload belongs to.",
        "cost": "What the payload cost, as LL2 states it.",
        "mass": "The payload's mass, in kilograms.",
    },
    "PayloadFlight": {
        "destination": "Where the payload went, as LL2 words it.",
        "amount": "How many of the payload flew.",
        "payload": "The payload.",
        "launch": "The launch that carried it.",
        "landing": "How it came back, if it did.",
    },
    "PayloadType": {"name": "The payload type's name."},
    "ProgramType": {"name": "The program type's name."},
    # -- values used everywhere -----------------------------------------------------
    "Image": {
        "name": "The image's name.",
        "imageUrl": "The full-size image (a URL).",
        "thumbnailUrl": "A small rendition of the image (a URL).",
        "credit": "Who made the image.",
        "license": "The licence under which it may be used.",
        "singleUse": "Whether the image belongs to one object only.",
        "variants": "Other renditions of the image.",
    },
    "ImageLicense": {
        "name": "The licence's name (CC BY 2.0, Unknown...).",
        "priority": "LL2's rank of the licence.",
        "link": "The licence's text (a URL).",
    },
    "ImageVariant": {"type": "What kind of rendition.", "imageUrl": "The rendition (a URL)."},
    "Country": {
        "name": "The country's name.",
        "alpha2Code": "ISO 3166-1 alpha-2 code (LL2: FR...).",
        "alpha3Code": "ISO 3166-1 alpha-3 code (LL2: FRA...).",
        "nationalityName": "The nationality adjective (LL2: e.g. French).",
        "nationalityNameComposed": "The adjective in compounds (LL2: e.g. Franco).",
    },
    "SocialMedia": {
        "name": "The network's name (X, Instagram...).",
        "url": "The network's home page.",
        "logo": "The network's logo.",
    },
    "SocialMediaLink": {"socialMedia": "The network.", "url": "The profile (a URL)."},
    # -- filters ---------------------------------------------------------------------
    "SpacecraftFilter": {
        "inSpace": "Only spacecraft in space now (true) or not (false).",
        "isPlaceholder": "Only placeholders (true) or only named spacecraft (false).",
    },
    "SpacecraftConfigFilter": {
        "humanRated": "Only configurations rated to carry people (true) or not (false).",
        "inUse": "Only configurations still flying (true) or not (false).",
    },
    "AgencyFilter": {
        "abbrev": "Only agencies with exactly this abbreviation.",
        "abbrevContains": "Only agencies whose abbreviation contains this text.",
        "description": "Only agencies with exactly this description.",
        "descriptionContains": "Only agencies whose description contains this text.",
        "featured": "Only featured agencies (true) or the others (false).",
        "typeId": "Only agencies of this type (an `AgencyType` id).",
        "parentId": "Only agencies under this parent agency (its id).",
        "foundingYear": "Compare `foundingYear`.",
        "totalLaunchCount": "Compare `totalLaunchCount`.",
        "successfulLaunches": "Compare `successfulLaunches`.",
        "failedLaunches": "Compare `failedLaunches`.",
        "pendingLaunches": "Compare `pendingLaunches`.",
        "consecutiveSuccessfulLaunches": "Compare `consecutiveSuccessfulLaunches`.",
        "attemptedLandings": "Compare `attemptedLandings`.",
        "successfulLandings": "Compare `successfulLandings`.",
        "failedLandings": "Compare `failedLandings`.",
        "consecutiveSuccessfulLandings": "Compare `consecutiveSuccessfulLandings`.",
    },
    "AstronautFilter": {
        "typeId": "Only astronauts of this type (an `AstronautType` id).",
        "nationality": "Only astronauts of this nationality (French...).",
        "inSpace": "Only astronauts in space now (true) or not (false).",
        "hasFlown": "Only astronauts who have flown (true) or not yet (false).",
        "isHuman": "Only humans (true) or only the others (false).",
        "age": "Compare `age`.",
        "flightsCount": "Compare `flightsCount`.",
        "landingsCount": "Compare `landingsCount`.",
        "dateOfBirth": "Compare `dateOfBirth`.",
        "dateOfDeath": "Compare `dateOfDeath`.",
        "firstFlight": "Compare `firstFlight`.",
        "lastFlight": "Compare `lastFlight`.",
    },
    "SpaceStationFilter": {
        "status": "Only stations with this status (a `SpaceStationStatus` id).",
        "statusIds": "Only stations with any of these statuses (`SpaceStationStatus` ids).",
        "type": "Only stations of this type (a `SpaceStationType` id).",
        "orbit": "Only stations in this orbit (an orbit id).",
        "dockedVehicles": "Compare `dockedVehicles`.",
        "onboardCrew": "Compare `onboardCrew`.",
    },
    "DockingEventFilter": {
        "docking": "Bound `docking`, the time of docking.",
        "dockingLocationId": "Only dockings at this port (a `DockingLocation` id).",
        "spaceStationTargetId": "Only dockings with this station (a `SpaceStation` id).",
    },
}

_RANGES = (IntRange, DateTimeRange, DateTimeBounds)


def noun(type_name: str) -> str:
    """What a type is, in the descriptions' words: ``SpacecraftStatus`` is a spacecraft status."""
    return NOUNS.get(type_name) or " ".join(re.findall(r"[A-Z][a-z0-9]*", type_name)).lower()


def _origin(tp: GraphQLNamedType) -> object:
    definition = tp.extensions.get("strawberry-definition") if tp.extensions else None
    return getattr(definition, "origin", None)


def _python_name(field: GraphQLField | GraphQLInputField) -> str | None:
    definition = field.extensions.get("strawberry-definition") if field.extensions else None
    name = getattr(definition, "python_name", None)
    return name if isinstance(name, str) else None


def _filter_parameter(filter_cls: type[FilterInput], field: GraphQLInputField) -> str | None:
    """The LL2 query parameter a filter field sets, as the description names it."""
    python_name = _python_name(field)
    if python_name is None:
        return None
    parameter = filter_cls.PARAMS.get(python_name, python_name)
    named = get_named_type(field.type)
    if any(_origin(named) is cls for cls in _RANGES):
        return f"`{parameter}`, `{parameter}__gt`..."
    return f"`{parameter}`"


def _text(type_name: str, field_name: str, *, is_input: bool, is_node: bool) -> str | None:
    own = FIELDS.get(type_name, {}).get(field_name)
    if own is not None:
        return own
    if is_input:
        return COMMON_INPUT.get(field_name)
    if is_node and field_name == "id":
        return (
            "LL2's id of this {noun}: unique among its type only (`globalId` is unique "
            "across all types)."
        )
    return COMMON.get(field_name)


def describe(schema: GraphQLSchema) -> None:
    """Fill in the description of every field the code left without one (see the module)."""
    for name, tp in schema.type_map.items():
        if name.startswith("__") or not isinstance(
            tp, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType
        ):
            continue
        is_input = isinstance(tp, GraphQLInputObjectType)
        is_node = any(i.name == "Node" for i in getattr(tp, "interfaces", ()))
        origin = _origin(tp)
        filter_cls = (
            origin if isinstance(origin, type) and issubclass(origin, FilterInput) else None
        )
        for field_name, field in tp.fields.items():
            if not field.description:
                text = _text(name, field_name, is_input=is_input, is_node=is_node)
                if text is not None:
                    field.description = text.format(noun=noun(name))
            if filter_cls is not None and isinstance(field, GraphQLInputField):
                parameter = _filter_parameter(filter_cls, field)
                if parameter and field.description and "(LL2 " not in field.description:
                    field.description = f"{field.description.rstrip('.')} (LL2 {parameter})."
