KB_SEARCH.shard(["as",{"asia":[0,4],"assistance":[1,2]}]);
